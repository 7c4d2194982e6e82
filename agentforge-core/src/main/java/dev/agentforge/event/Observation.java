package dev.agentforge.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * The outcome of one tool call, which the model reads on its next turn. Exactly one of {@code result}
 * and {@code error} is set.
 *
 * @param callId the id of the {@link Action} this observation answers
 * @param tool the name of the tool the model called
 * @param result the tool's result as text (JSON for structured results), or null when the call failed
 * @param error what went wrong, written for the model to read and correct, or null on success
 * @param durationMillis the time from the start of the call to its outcome, in milliseconds
 */
@JsonPropertyOrder({"type", "runId", "sequence", "timestamp", "callId", "tool", "result", "error", "durationMillis"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Observation(String runId, long sequence, Instant timestamp, String callId, String tool,
        String result, String error, long durationMillis) implements AgentEvent {

    public static final String TYPE = "observation";

    @Override
    @JsonIgnore
    public String type() {
        return TYPE;
    }

    /** Whether the tool call failed. */
    @JsonIgnore
    public boolean failed() {
        return error != null;
    }
}
