package dev.agentforge.tool;

/**
 * A tool failure whose message is written for the model: it says what was wrong and how to call the
 * tool correctly, and becomes the call's observation as it is.
 */
public class ToolException extends Exception {

    private final boolean retryable;

    public ToolException(String message) {
        this(message, false, null);
    }

    public ToolException(String message, Throwable cause) {
        this(message, false, cause);
    }

    public ToolException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Whether the same call may succeed if made again, for example after a timeout. */
    public boolean retryable() {
        return retryable;
    }
}
