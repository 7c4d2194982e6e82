package dev.agentforge.server;

import java.util.Map;
import java.util.Objects;

/**
 * A request that the server rejects with an HTTP error status and a JSON error body of the form
 * {@code {"error": {"code": ..., "message": ..., "status": ...}}}. Some codes add fields to the
 * error object, such as {@code runStatus} or {@code limitBytes}.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, Object> details;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of(), Map.of());
    }

    /**
     * @param details extra fields of the error object, in addition to code, message and status
     * @param headers response headers to send with the error, such as {@code Retry-After}
     */
    public ApiException(int status, String code, String message, Map<String, Object> details,
            Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
        this.details = Map.copyOf(details);
        this.headers = Map.copyOf(headers);
    }

    /** Returns the HTTP status code. */
    public int status() {
        return status;
    }

    /** Returns the stable error code, one of {@link ErrorCode}. */
    public String code() {
        return code;
    }

    /** Returns the extra fields of the error object. */
    public Map<String, Object> details() {
        return details;
    }

    /** Returns the response headers to send with the error. */
    public Map<String, String> headers() {
        return headers;
    }
}
