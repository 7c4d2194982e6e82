package dev.agentforge.tool;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link Tool} backed by a method annotated with LangChain4j's {@code @Tool}. Arguments are bound to
 * the method's parameters by the names LangChain4j put in the schema, and converted with Jackson.
 */
final class AnnotatedMethodTool implements Tool {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final Object target;
    private final Method method;
    private final ToolSpecification specification;
    private final JsonNode parameters;
    private final String[] parameterNames;

    AnnotatedMethodTool(Object target, Method method, ToolSpecification specification) {
        this.target = target;
        this.method = method;
        this.specification = specification;
        this.method.setAccessible(true);
        Map<String, Object> schema = specification.parameters() == null
                ? Map.of("type", "object", "properties", Map.of())
                : JsonSchemaElementUtils.toMap(specification.parameters());
        this.parameters = MAPPER.valueToTree(schema);
        this.parameterNames = parameterNames(method, specification);
    }

    ToolSpecification specification() {
        return specification;
    }

    @Override
    public String name() {
        return specification.name();
    }

    @Override
    public String description() {
        return specification.description() == null ? "" : specification.description();
    }

    @Override
    public JsonNode parameters() {
        return parameters;
    }

    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws Exception {
        Parameter[] declared = method.getParameters();
        Object[] values = new Object[declared.length];
        for (int i = 0; i < declared.length; i++) {
            JsonNode value = arguments.get(parameterNames[i]);
            JavaType type = MAPPER.getTypeFactory().constructType(declared[i].getParameterizedType());
            try {
                values[i] = value == null || value.isNull() ? defaultFor(declared[i].getType()) : MAPPER.convertValue(value, type);
            } catch (JacksonException e) {
                throw new ToolException("Argument '" + parameterNames[i] + "' of tool '" + name()
                        + "' cannot be read as " + declared[i].getType().getSimpleName() + ": " + e.getOriginalMessage());
            }
        }
        try {
            Object result = method.invoke(target, values);
            return method.getReturnType() == void.class ? "Success" : result;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static Object defaultFor(Class<?> type) {
        if (!type.isPrimitive()) {
            return null;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == char.class) {
            return '\0';
        }
        return MAPPER.convertValue(0, type);
    }

    // LangChain4j names each property after @P's name, else the compiled parameter name, in method order.
    private static String[] parameterNames(Method method, ToolSpecification specification) {
        Parameter[] declared = method.getParameters();
        String[] names = new String[declared.length];
        var properties = specification.parameters() == null
                ? java.util.List.<String>of()
                : java.util.List.copyOf(specification.parameters().properties().keySet());
        for (int i = 0; i < declared.length; i++) {
            names[i] = i < properties.size() ? properties.get(i) : declared[i].getName();
        }
        return names;
    }

    @Override
    public String toString() {
        return "AnnotatedMethodTool[" + name() + " -> " + method + "]";
    }
}
