package dev.agentforge.event;

/**
 * The stable error codes carried by {@link ErrorEvent#code()}. Clients branch on these strings, so
 * a code is never renamed or reused for another meaning; docs/events.md describes each one.
 */
public final class ErrorCodes {

    /** The model's response ended without a finish reason or its stream's terminal marker. */
    public static final String INCOMPLETE_RESPONSE = "incomplete_response";

    /** The model provider reported an error that no more specific code describes. */
    public static final String MODEL_ERROR = "model_error";

    /** The model provider is overloaded (Anthropic {@code overloaded_error}, HTTP 529 or 503). */
    public static final String MODEL_OVERLOADED = "model_overloaded";

    /** The model provider rejected the request for its rate limit (HTTP 429). */
    public static final String MODEL_RATE_LIMITED = "model_rate_limited";

    /** The model provider could not be reached, or the connection failed or timed out. */
    public static final String MODEL_UNAVAILABLE = "model_unavailable";

    /** The model provider rejected the credentials (HTTP 401 or 403). */
    public static final String MODEL_AUTHENTICATION_FAILED = "model_authentication_failed";

    /** The model provider rejected the request as invalid (HTTP 400, 404 or 422). */
    public static final String MODEL_BAD_REQUEST = "model_bad_request";

    /** The agent reached its step limit before the model gave a final answer. */
    public static final String STEP_LIMIT_EXCEEDED = "step_limit_exceeded";

    /** An unexpected failure inside AgentForge; the message names the exception. */
    public static final String INTERNAL_ERROR = "internal_error";

    private ErrorCodes() {
    }
}
