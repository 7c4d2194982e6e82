package dev.agentforge.tool.internal;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.agentforge.tool.ToolException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** JSON helpers shared by tool wrappers: results as JSON, canonical text and schema checks. */
public final class Json {

    /** The mapper the tool packages share. */
    public static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private Json() {
    }

    /**
     * Converts a tool result to JSON: a {@link JsonNode} as it is, a string holding a JSON object or array
     * parsed, any other string as a JSON string, and anything else as Jackson serialises it.
     */
    public static JsonNode toJson(Object result) {
        if (result instanceof JsonNode node) {
            return node;
        }
        if (result instanceof String text) {
            String trimmed = text.strip();
            if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
                try {
                    return MAPPER.readTree(trimmed);
                } catch (JacksonException e) {
                    return MAPPER.getNodeFactory().stringNode(text);
                }
            }
            return MAPPER.getNodeFactory().stringNode(text);
        }
        return MAPPER.valueToTree(result);
    }

    /** Returns the JSON text of the value with the keys of every object sorted, so equal values give equal text. */
    public static String canonical(JsonNode value) {
        return MAPPER.writeValueAsString(sorted(value));
    }

    private static JsonNode sorted(JsonNode value) {
        if (value.isObject()) {
            Map<String, JsonNode> fields = new TreeMap<>();
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                fields.put(field.getKey(), sorted(field.getValue()));
            }
            ObjectNode copy = MAPPER.createObjectNode();
            fields.forEach(copy::set);
            return copy;
        }
        if (value.isArray()) {
            ArrayNode copy = MAPPER.createArrayNode();
            for (Iterator<JsonNode> items = value.iterator(); items.hasNext(); ) {
                copy.add(sorted(items.next()));
            }
            return copy;
        }
        return value;
    }

    /** Compiles a JSON Schema, for repeated {@link #check} calls. */
    public static Schema schema(JsonNode schema) {
        return SCHEMAS.getSchema(schema);
    }

    /**
     * Checks {@code value} against {@code schema}.
     *
     * @throws ToolException naming the step and the fields that are wrong
     */
    public static void check(Schema schema, JsonNode value, String step) throws ToolException {
        List<Error> errors = schema.validate(value);
        if (errors.isEmpty()) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (Error error : errors) {
            problems.add(error.toString());
        }
        throw new ToolException("The input of " + step + " does not match its schema: " + String.join("; ", problems));
    }
}
