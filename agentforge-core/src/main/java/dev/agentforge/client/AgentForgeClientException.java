package dev.agentforge.client;

/** A request of {@link AgentForgeClient} failed: the server could not be reached, or it rejected the request. */
public class AgentForgeClientException extends RuntimeException {

    public AgentForgeClientException(String message) {
        super(message);
    }

    public AgentForgeClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
