package dev.agentforge.tool.compose;

import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.internal.Json;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/** Runs a tool and maps its result, given as JSON (see {@link Compose}), to a new result. */
public final class TransformTool extends ComposedTool {

    private final Tool delegate;
    private final Function<JsonNode, Object> mapping;

    TransformTool(String name, String description, Tool delegate, Function<JsonNode, Object> mapping) {
        super(name, description, delegate.parameters());
        this.delegate = delegate;
        this.mapping = mapping;
    }

    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws Exception {
        return mapping.apply(Json.toJson(delegate.execute(arguments, context)));
    }
}
