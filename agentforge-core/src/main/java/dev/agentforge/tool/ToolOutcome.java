package dev.agentforge.tool;

import java.time.Duration;

/**
 * The result of one tool call, ready for the model. Exactly one of {@code result} and {@code error} is set.
 *
 * @param call the call this outcome answers
 * @param result the tool's result as text, or null when the call failed
 * @param error what went wrong, written for the model, or null on success
 * @param duration the time the call took, from validation to outcome
 */
public record ToolOutcome(ToolCall call, String result, String error, Duration duration) {

    /** Whether the call failed. */
    public boolean failed() {
        return error != null;
    }

    /** The text the model reads for this call: the result, or the error. */
    public String textForModel() {
        return failed() ? "Error: " + error : result;
    }
}
