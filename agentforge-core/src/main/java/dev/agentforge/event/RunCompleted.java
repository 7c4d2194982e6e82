package dev.agentforge.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * The last event of a run that ended with an answer. Its SSE event name is {@code done}.
 *
 * @param answer the model's final answer
 * @param usage the tokens the run used, summed over all of its model calls
 */
@JsonPropertyOrder({"type", "runId", "sequence", "timestamp", "answer", "usage"})
public record RunCompleted(String runId, long sequence, Instant timestamp, String answer, Usage usage)
        implements AgentEvent {

    public static final String TYPE = "done";

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
