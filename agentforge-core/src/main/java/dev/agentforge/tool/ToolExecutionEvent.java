package dev.agentforge.tool;

import java.time.Duration;
import java.time.Instant;

/**
 * A stage of one tool call in the {@link ToolExecutor}, for profilers, audit logs and metrics.
 * Every call gets exactly one {@link Finished}. A call that waited gets a {@link Queued} first, a call
 * whose handler ran gets a {@link Started}, and a call that held a pool slot gets a {@link Released}
 * when its handler really returned, which for a timed-out call may be long after {@link Finished}.
 */
public sealed interface ToolExecutionEvent {

    /** The run that made the call. */
    String runId();

    /** The id the model gave the call. */
    String callId();

    /** The tool name the model wrote. */
    String tool();

    /** The pool the call counts against, or null when the call was never resolved to a tool. */
    String pool();

    /** When the event happened, on the executor's clock. */
    Instant time();

    /**
     * The call waits for a pool slot or resource permits.
     *
     * @param priority the priority the call waits with, before aging
     * @param queueDepth the calls waiting in the executor, this one included
     */
    record Queued(String runId, String callId, String tool, String pool, Instant time, ToolPriority priority,
            int queueDepth) implements ToolExecutionEvent {
    }

    /**
     * The handler started.
     *
     * @param waited the time from receiving the call to the start
     * @param onCallerThread whether the handler runs on the thread that made the call
     * @param nested whether the call was made from inside another call's handler and runs on its admission
     */
    record Started(String runId, String callId, String tool, String pool, Instant time, Duration waited,
            boolean onCallerThread, boolean nested) implements ToolExecutionEvent {
    }

    /**
     * The call has its outcome, which the caller receives at once.
     *
     * @param status how the call ended
     * @param waited the time from receiving the call to the start of its handler, or to the outcome if it never started
     * @param ran the time from the start of the handler to the outcome, zero if it never started
     * @param attempts the attempts the handler made, 0 if it never started
     * @param error the error the model reads, or null on success
     */
    record Finished(String runId, String callId, String tool, String pool, Instant time, ToolOutcome.Status status,
            Duration waited, Duration ran, int attempts, String error) implements ToolExecutionEvent {
    }

    /**
     * The handler returned and the call's pool slot and resource permits are free again.
     *
     * @param ran the time from the start of the handler until it returned
     */
    record Released(String runId, String callId, String tool, String pool, Instant time, Duration ran)
            implements ToolExecutionEvent {
    }
}
