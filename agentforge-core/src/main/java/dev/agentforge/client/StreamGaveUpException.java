package dev.agentforge.client;

/**
 * The event stream of a run ended before the run's terminal event and the client stopped trying:
 * the server rejected a request for the stream, or too many connection attempts in a row failed.
 * The fields tell where to resume: stream again with {@code StreamOptions.afterSequence(lastSequence())}.
 */
public class StreamGaveUpException extends AgentForgeClientException {

    private final String runId;
    private final long lastSequence;
    private final int attempts;

    public StreamGaveUpException(String message, String runId, long lastSequence, int attempts, Throwable cause) {
        super(message, cause);
        this.runId = runId;
        this.lastSequence = lastSequence;
        this.attempts = attempts;
    }

    /** Returns the id of the run whose events were streamed. */
    public String runId() {
        return runId;
    }

    /** Returns the sequence number of the last event delivered, 0 when none was. */
    public long lastSequence() {
        return lastSequence;
    }

    /** Returns the number of connection attempts made, the first one included. */
    public int attempts() {
        return attempts;
    }
}
