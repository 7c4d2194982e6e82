package dev.agentforge.client;

import java.time.Instant;

/**
 * The caller's deadline for an event stream passed before the run's terminal event arrived. The
 * run itself goes on; cancel it with {@link AgentForgeClient#cancel} if it is no longer wanted.
 */
public class ClientTimeoutException extends StreamGaveUpException {

    private final Instant deadline;

    public ClientTimeoutException(String message, String runId, long lastSequence, int attempts, Instant deadline,
            Throwable cause) {
        super(message, runId, lastSequence, attempts, cause);
        this.deadline = deadline;
    }

    /** Returns the deadline that passed. */
    public Instant deadline() {
        return deadline;
    }
}
