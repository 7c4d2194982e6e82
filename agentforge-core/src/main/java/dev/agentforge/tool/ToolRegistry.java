package dev.agentforge.tool;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.internal.JsonSchemaElementJsonUtils;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tools an agent may call, by name. The registry turns the model's raw call, a name and a JSON
 * text, into a validated call. An unknown name is reported with the list of tools that exist, and
 * arguments that are not JSON or do not match the tool's schema with the fields that are wrong.
 *
 * <p>A tool may be withdrawn while it is unhealthy: {@link #specifications()} leaves it out, so the model
 * is not offered it, and a call made anyway fails with a {@link ToolUnavailableException}.
 */
public final class ToolRegistry {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> withdrawn = new HashMap<>();

    private record Entry(Tool tool, Schema schema, ToolSpecification specification) {
    }

    /** Creates a registry holding the given tools. */
    public static ToolRegistry of(Tool... tools) {
        ToolRegistry registry = new ToolRegistry();
        for (Tool tool : tools) {
            registry.register(tool);
        }
        return registry;
    }

    /**
     * Adds a tool.
     *
     * @throws IllegalArgumentException if a tool of that name is already registered or its schema is invalid
     */
    public synchronized ToolRegistry register(Tool tool) {
        if (entries.containsKey(tool.name())) {
            throw new IllegalArgumentException("A tool named '" + tool.name()
                    + "' is already registered; give each tool a unique name");
        }
        Schema schema;
        try {
            schema = SCHEMAS.getSchema(tool.parameters());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The parameters schema of tool '" + tool.name()
                    + "' is not a valid JSON Schema: " + e.getMessage(), e);
        }
        entries.put(tool.name(), new Entry(tool, schema, specificationOf(tool)));
        return this;
    }

    /**
     * Adds every method of {@code object} annotated with LangChain4j's {@code @Tool}, with the schema
     * LangChain4j derives from the method's parameters (names from {@code @P} or, when compiled with
     * {@code -parameters}, from the source).
     */
    public ToolRegistry registerAnnotated(Object object) {
        int found = 0;
        for (Method method : object.getClass().getDeclaredMethods()) {
            if (method.isAnnotationPresent(dev.langchain4j.agent.tool.Tool.class)) {
                register(new AnnotatedMethodTool(object, method, ToolSpecifications.toolSpecificationFrom(method)));
                found++;
            }
        }
        if (found == 0) {
            throw new IllegalArgumentException("Class " + object.getClass().getName()
                    + " has no method annotated with @dev.langchain4j.agent.tool.Tool");
        }
        return this;
    }

    /** Returns the tool of that name, if registered. */
    public synchronized Optional<Tool> find(String name) {
        Entry entry = entries.get(name);
        return entry == null ? Optional.empty() : Optional.of(entry.tool());
    }

    /** The names of the registered tools, in registration order. */
    public synchronized List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** The registered tools, in registration order. */
    public synchronized List<Tool> tools() {
        return entries.values().stream().map(Entry::tool).toList();
    }

    /** The tools as LangChain4j specifications, to send with a model request; withdrawn tools are left out. */
    public synchronized List<ToolSpecification> specifications() {
        return entries.values().stream()
                .filter(entry -> !withdrawn.containsKey(entry.tool().name()))
                .map(Entry::specification)
                .toList();
    }

    /** The specifications of every registered tool, withdrawn ones included. */
    public synchronized List<ToolSpecification> allSpecifications() {
        return entries.values().stream().map(Entry::specification).toList();
    }

    /**
     * Withdraws a tool until {@link #restore} is called: it is left out of {@link #specifications()}, and
     * {@link #validate} rejects calls to it with a {@link ToolUnavailableException}.
     *
     * @param reason why the tool is unavailable, written for the model, such as "the database does not answer"
     * @throws IllegalArgumentException if no tool of that name is registered
     */
    public synchronized void withdraw(String name, String reason) {
        if (!entries.containsKey(name)) {
            throw new IllegalArgumentException("No tool named '" + name + "' is registered");
        }
        withdrawn.put(name, reason == null || reason.isBlank() ? "it is unhealthy" : reason);
    }

    /** Offers a withdrawn tool to the model again; does nothing if it was not withdrawn. */
    public synchronized void restore(String name) {
        withdrawn.remove(name);
    }

    /** Returns why the tool is withdrawn, or empty if it is available. */
    public synchronized Optional<String> withdrawnReason(String name) {
        return Optional.ofNullable(withdrawn.get(name));
    }

    /**
     * Resolves a model's call into a tool and validated arguments.
     *
     * @throws ToolException with a message for the model when the tool is unknown or withdrawn, the
     *     arguments are not a JSON object, or they do not match the tool's schema
     */
    public ValidatedCall validate(String toolName, String argumentsJson) throws ToolException {
        Entry entry;
        String withdrawnReason;
        synchronized (this) {
            entry = entries.get(toolName);
            withdrawnReason = withdrawn.get(toolName);
        }
        if (withdrawnReason != null) {
            throw new ToolUnavailableException("Tool '" + toolName + "' is temporarily unavailable: " + withdrawnReason
                    + ". Continue without it, or call it again later.");
        }
        if (entry == null) {
            throw new ToolException("Unknown tool '" + toolName + "'. Available tools: "
                    + String.join(", ", names()) + ". Call one of these by its exact name.");
        }
        JsonNode arguments;
        try {
            String text = argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson;
            arguments = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new ToolException("The arguments for tool '" + toolName + "' are not valid JSON ("
                    + e.getOriginalMessage() + "). Send the arguments as one JSON object matching the tool's schema.");
        }
        if (!arguments.isObject()) {
            throw new ToolException("The arguments for tool '" + toolName + "' must be a JSON object, got "
                    + arguments.getNodeType().name().toLowerCase() + ". Send an object matching the tool's schema.");
        }
        List<Error> errors = entry.schema().validate(arguments);
        if (!errors.isEmpty()) {
            List<String> problems = new ArrayList<>();
            for (Error error : errors) {
                problems.add(error.toString());
            }
            throw new ToolException("Invalid arguments for tool '" + toolName + "': " + String.join("; ", problems)
                    + ". Fix these fields and call the tool again. The schema is " + entry.tool().parameters());
        }
        return new ValidatedCall(entry.tool(), arguments);
    }

    /**
     * A tool with arguments that passed validation.
     *
     * @param tool the tool to run
     * @param arguments the validated arguments object
     */
    public record ValidatedCall(Tool tool, JsonNode arguments) {
    }

    private static ToolSpecification specificationOf(Tool tool) {
        if (tool instanceof AnnotatedMethodTool annotated) {
            return annotated.specification();
        }
        return ToolSpecification.builder()
                .name(tool.name())
                .description(tool.description())
                .parameters(toObjectSchema(tool))
                .build();
    }

    @SuppressWarnings("unchecked")
    private static JsonObjectSchema toObjectSchema(Tool tool) {
        Map<String, Object> map = MAPPER.convertValue(tool.parameters(), Map.class);
        JsonSchemaElement element = JsonSchemaElementJsonUtils.fromMap(map);
        if (element instanceof JsonObjectSchema object) {
            return object;
        }
        throw new IllegalArgumentException("The parameters schema of tool '" + tool.name()
                + "' must describe an object, got " + element.getClass().getSimpleName());
    }
}
