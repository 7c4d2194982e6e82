package dev.agentforge.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * The last event of a run that was cancelled before it finished. Its SSE event name is {@code cancelled}.
 *
 * @param reason why the run was cancelled
 */
@JsonPropertyOrder({"type", "runId", "sequence", "timestamp", "reason"})
public record RunCancelled(String runId, long sequence, Instant timestamp, String reason) implements AgentEvent {

    public static final String TYPE = "cancelled";

    @Override
    @JsonIgnore
    public String type() {
        return TYPE;
    }

    @Override
    public boolean terminal() {
        return true;
    }
}
