package dev.agentforge.tool;

/**
 * A call that was not run because its tool is unhealthy or failed to initialise. It is retryable, so a
 * {@code ResilientTool} around the tool falls back to its fallback value or tool.
 */
public class ToolUnavailableException extends ToolException {

    public ToolUnavailableException(String message) {
        super(message, true, null);
    }

    public ToolUnavailableException(String message, Throwable cause) {
        super(message, true, cause);
    }
}
