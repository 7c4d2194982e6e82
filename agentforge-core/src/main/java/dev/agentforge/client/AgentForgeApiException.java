package dev.agentforge.client;

/**
 * The server answered a request with an HTTP error status. {@link #code()} is the stable error code
 * of the server's JSON error body, such as {@code run_not_found}; docs/http-api.md lists them.
 */
public class AgentForgeApiException extends AgentForgeClientException {

    private final int status;
    private final String code;

    public AgentForgeApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    /** Returns the HTTP status code, such as 404. */
    public int status() {
        return status;
    }

    /** Returns the error code of the response body, or null when the body had none, such as from a proxy. */
    public String code() {
        return code;
    }
}
