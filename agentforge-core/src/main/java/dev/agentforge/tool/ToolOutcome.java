package dev.agentforge.tool;

import java.time.Duration;
import java.util.Objects;

/**
 * The result of one tool call, ready for the model. Exactly one of {@code result} and {@code error} is set.
 *
 * @param call the call this outcome answers
 * @param result the tool's result as text, or null when the call failed
 * @param error what went wrong, written for the model, or null on success
 * @param duration the time from the executor receiving the call to this outcome, queue wait included
 * @param status how the call ended
 */
public record ToolOutcome(ToolCall call, String result, String error, Duration duration, Status status) {

    /** The way a call ended. */
    public enum Status {
        /** The handler returned a result. */
        SUCCEEDED,
        /** The call was invalid, or the handler threw. */
        FAILED,
        /** The handler ran longer than the tool's timeout and was cancelled. */
        TIMED_OUT,
        /** The run or the executor was cancelled before the call ended. */
        CANCELLED,
        /** The call was not run because the executor's queue was full or the executor was shut down. */
        REJECTED,
        /** The tool is unhealthy, or its initialisation failed, so the call was not run. */
        UNAVAILABLE
    }

    public ToolOutcome {
        Objects.requireNonNull(status, "status");
        if ((result == null) == (error == null)) {
            throw new IllegalArgumentException("A tool outcome has either a result or an error, not both or neither");
        }
        if ((status == Status.SUCCEEDED) != (error == null)) {
            throw new IllegalArgumentException("Status " + status + " does not match " + (error == null ? "a result" : "an error"));
        }
    }

    /** Creates an outcome whose status is {@link Status#SUCCEEDED} for a result and {@link Status#FAILED} for an error. */
    public ToolOutcome(ToolCall call, String result, String error, Duration duration) {
        this(call, result, error, duration, error == null ? Status.SUCCEEDED : Status.FAILED);
    }

    /** Whether the call failed. */
    public boolean failed() {
        return error != null;
    }

    /** The text the model reads for this call: the result, or the error. */
    public String textForModel() {
        return failed() ? "Error: " + error : result;
    }
}
