package dev.agentforge.tool;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A {@link Tool} made of a name, a description, a JSON Schema and a {@link ToolHandler}. */
public final class FunctionTool implements Tool {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final String name;
    private final String description;
    private final JsonNode parameters;
    private final ToolHandler handler;
    private final ToolSettings settings;

    private FunctionTool(Builder builder) {
        this.name = builder.name;
        this.description = Objects.requireNonNull(builder.description,
                () -> "Tool " + builder.name + " has no description; call description(...) so the model knows when to use it");
        this.parameters = builder.parameters != null ? builder.parameters : emptyObjectSchema();
        this.handler = Objects.requireNonNull(builder.handler,
                () -> "Tool " + builder.name + " has no handler; call handler(...)");
        this.settings = builder.settings;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public JsonNode parameters() {
        return parameters;
    }

    @Override
    public Optional<ToolSettings> settings() {
        return Optional.ofNullable(settings);
    }

    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws Exception {
        return handler.handle(arguments, context);
    }

    @Override
    public String toString() {
        return "FunctionTool[" + name + "]";
    }

    private static JsonNode emptyObjectSchema() {
        return MAPPER.readTree("{\"type\":\"object\",\"properties\":{}}");
    }

    /** Builds a {@link FunctionTool}. */
    public static final class Builder {
        private final String name;
        private String description;
        private JsonNode parameters;
        private ToolHandler handler;
        private ToolSettings settings;

        private Builder(String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Invalid tool name '" + name
                        + "': use 1 to 64 letters, digits, '_' or '-', as model providers require");
            }
            this.name = name;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** Sets the JSON Schema of the arguments; it must describe an object. */
        public Builder parameters(JsonNode schema) {
            if (!"object".equals(schema.path("type").asString(null))) {
                throw new IllegalArgumentException("The parameters schema of tool " + name
                        + " must have \"type\": \"object\", because tool arguments are always a JSON object; got " + schema);
            }
            this.parameters = schema;
            return this;
        }

        /** Sets the JSON Schema of the arguments from its JSON text. */
        public Builder parameters(String schemaJson) {
            try {
                return parameters(MAPPER.readTree(schemaJson));
            } catch (JacksonException e) {
                throw new IllegalArgumentException("The parameters schema of tool " + name
                        + " is not valid JSON: " + e.getOriginalMessage(), e);
            }
        }

        public Builder handler(ToolHandler handler) {
            this.handler = handler;
            return this;
        }

        /** Declares how the {@link ToolExecutor} runs the tool; see {@link Tool#settings()}. */
        public Builder settings(ToolSettings settings) {
            this.settings = settings;
            return this;
        }

        public FunctionTool build() {
            return new FunctionTool(this);
        }
    }
}
