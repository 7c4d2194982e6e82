package dev.agentforge.server.transport;

/**
 * Lifecycle hooks of {@code /v1/ws} connections, set with {@code AgentServer.Builder.webSocketListener}.
 * The hooks run on Jetty's threads and must return quickly. An exception a hook throws is logged and
 * does not affect the connection.
 */
public interface WebSocketListener {

    /** Runs after a connection opened and was accepted. */
    default void onOpen(WebSocketConnection connection) {
    }

    /**
     * Runs once when a connection has closed, with the RFC 6455 status code and reason: the code the
     * server or the client sent, or 1006 when the connection ended without a close handshake.
     */
    default void onClose(WebSocketConnection connection, int statusCode, String reason) {
    }

    /** Runs when a connection fails, such as on a message over the size limit; {@link #onClose} follows. */
    default void onError(WebSocketConnection connection, Throwable error) {
    }
}
