package dev.agentforge.client;

/**
 * The server replied to a message of {@link AgentForgeWebSocketClient} with an {@code error} message.
 * {@link #code()} is its stable code, such as {@code run_not_found} or {@code run_not_waiting};
 * docs/websocket.md lists them.
 */
public class AgentForgeWebSocketException extends AgentForgeClientException {

    private final String code;

    public AgentForgeWebSocketException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** Returns the error code of the server's {@code error} message. */
    public String code() {
        return code;
    }
}
