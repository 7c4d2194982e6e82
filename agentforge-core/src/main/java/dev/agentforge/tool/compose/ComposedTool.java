package dev.agentforge.tool.compose;

import dev.agentforge.tool.Tool;
import java.util.Objects;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** The name, description and schema shared by every composed tool. */
abstract class ComposedTool implements Tool {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final String name;
    private final String description;
    private final JsonNode parameters;

    ComposedTool(String name, String description, JsonNode parameters) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid tool name '" + name
                    + "': use 1 to 64 letters, digits, '_' or '-', as model providers require");
        }
        this.name = name;
        this.description = Objects.requireNonNull(description, "description");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        if (!"object".equals(parameters.path("type").asString(null))) {
            throw new IllegalArgumentException("The parameters schema of tool " + name + " must have \"type\": \"object\"");
        }
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final JsonNode parameters() {
        return parameters;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }
}
