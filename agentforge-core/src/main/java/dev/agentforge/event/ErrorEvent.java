package dev.agentforge.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * A failure of the run. An error event with {@code fatal} set ends the run; nothing follows it.
 *
 * @param code a stable code from {@link ErrorCodes}
 * @param message what failed, for people
 * @param retryable whether starting the same run again may succeed
 * @param partialText the answer text the model had streamed before the failure, or null if none
 * @param fatal whether this error ended the run
 */
@JsonPropertyOrder({"type", "runId", "sequence", "timestamp", "code", "message", "retryable", "partialText", "fatal"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorEvent(String runId, long sequence, Instant timestamp, String code, String message,
        boolean retryable, String partialText, boolean fatal) implements AgentEvent {

    public static final String TYPE = "error";

    @Override
    @JsonIgnore
    public String type() {
        return TYPE;
    }

    @Override
    public boolean terminal() {
        return fatal;
    }
}
