package dev.agentforge.agent;

/** Where a run is in its life. Every status but {@code RUNNING} is final. */
public enum RunStatus {
    /** The run is working: calling the model or tools. */
    RUNNING,
    /** The run ended with an answer. */
    COMPLETED,
    /** The run ended with an error event. */
    FAILED,
    /** The run was cancelled before it finished. */
    CANCELLED;

    /** Whether the run has ended. */
    public boolean finished() {
        return this != RUNNING;
    }
}
