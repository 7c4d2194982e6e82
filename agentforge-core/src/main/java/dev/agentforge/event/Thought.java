package dev.agentforge.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * A piece of the model's reasoning, streamed apart from its answer.
 *
 * @param text the piece of reasoning text
 */
@JsonPropertyOrder({"type", "runId", "sequence", "timestamp"})
public record Thought(String runId, long sequence, Instant timestamp, String text) implements AgentEvent {

    public static final String TYPE = "thought";

    @Override
    @JsonIgnore
    public String type() {
        return TYPE;
    }
}
