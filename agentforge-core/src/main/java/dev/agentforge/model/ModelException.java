package dev.agentforge.model;

import dev.agentforge.event.ErrorCodes;

/**
 * A failed model call, classified for the agent loop: a stable error code from {@link ErrorCodes},
 * whether the same request may succeed if sent again, and the text the model had streamed before
 * it failed, so that an error event can keep it.
 */
public class ModelException extends RuntimeException {

    private final String code;
    private final boolean retryable;
    private final String partialText;

    public ModelException(String code, String message, boolean retryable, String partialText) {
        this(code, message, retryable, partialText, null);
    }

    public ModelException(String code, String message, boolean retryable, String partialText, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retryable = retryable;
        this.partialText = partialText == null ? "" : partialText;
    }

    /** Creates the error for a response that ended without a finish reason or terminal marker. */
    public static ModelException incompleteResponse(String detail, String partialText) {
        return new ModelException(ErrorCodes.INCOMPLETE_RESPONSE,
                "Incomplete response: " + detail, true, partialText);
    }

    /** The stable error code, one of {@link ErrorCodes}. */
    public String code() {
        return code;
    }

    /** Whether sending the same request again may succeed. */
    public boolean retryable() {
        return retryable;
    }

    /** The text streamed before the failure, empty if none. */
    public String partialText() {
        return partialText;
    }
}
