package dev.agentforge.tool;

import tools.jackson.databind.JsonNode;

/** The code behind a {@link FunctionTool}. */
@FunctionalInterface
public interface ToolHandler {

    /** Runs the tool on validated arguments; see {@link Tool#execute(JsonNode, ToolContext)}. */
    Object handle(JsonNode arguments, ToolContext context) throws Exception;
}
