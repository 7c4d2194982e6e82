package dev.agentforge.tool;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A capability the model may call: a name, a description the model reads, a JSON Schema of the
 * arguments, and a handler. The {@link ToolRegistry} validates the arguments against the schema
 * before the handler runs, so a handler sees only arguments that match it.
 */
public interface Tool {

    /** The name the model calls the tool by: letters, digits, {@code _} and {@code -}, at most 64 chars. */
    String name();

    /** What the tool does and when to use it, written for the model. */
    String description();

    /** The JSON Schema of the arguments object. */
    JsonNode parameters();

    /**
     * Runs the tool.
     *
     * @param arguments the arguments, already validated against {@link #parameters()}
     * @param context the run and call this execution belongs to
     * @return the result: a {@link String} is passed to the model as it is, anything else as JSON
     * @throws ToolException for a failure the model should read, such as a rejected query
     * @throws Exception for any other failure, which becomes an observation naming the exception
     */
    Object execute(JsonNode arguments, ToolContext context) throws Exception;

    /**
     * The settings the tool declares for the {@link ToolExecutor}: pool, priority, timeout, resources and
     * retry. Settings registered with the executor for this tool's name take precedence. Returns empty
     * unless overridden, which gives {@link ToolSettings#defaults()}.
     */
    default Optional<ToolSettings> settings() {
        return Optional.empty();
    }

    /** Starts a tool built from a name, a description, a schema and a handler. */
    static FunctionTool.Builder builder(String name) {
        return FunctionTool.builder(name);
    }
}
