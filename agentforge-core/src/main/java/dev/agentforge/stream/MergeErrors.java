package dev.agentforge.stream;

/** The failure rule of {@link AgentStreams#merge}: its response when one of its sources fails. */
public enum MergeErrors {
    /** Cancels the other sources and fails the merged stream at once with the failure. */
    FAIL_FAST,
    /**
     * Keeps the other sources running and fails the merged stream when it ends, with the first failure
     * and the others as suppressed exceptions.
     */
    CONTINUE
}
