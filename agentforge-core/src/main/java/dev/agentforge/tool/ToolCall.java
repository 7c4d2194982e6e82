package dev.agentforge.tool;

/**
 * A call the model requested, as the model wrote it.
 *
 * @param id the call id the model gave, which pairs the call with its result
 * @param name the tool name the model wrote, which may name no registered tool
 * @param arguments the arguments as JSON text, which may be invalid
 */
public record ToolCall(String id, String name, String arguments) {
}
