package dev.agentforge.stream;

/** The handling by {@link AgentStreams#throttle} of elements that arrive while the current period's permits are used up. */
public enum ThrottleMode {
    /** Drops them, passing each to the caller's drop handler. */
    DROP,
    /**
     * Keeps only the latest of them and emits it when the next period starts; the ones it replaces go
     * to the drop handler. The last element of the stream is never dropped.
     */
    KEEP_LATEST,
    /** Delays them to later periods and drops nothing; the source waits, through backpressure. */
    DELAY
}
