package dev.agentforge.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * A piece of the model's answer text, in the order the model produced it.
 *
 * @param text the piece of text, which may be a word, part of a word or several words
 */
@JsonPropertyOrder({"type", "runId", "sequence", "timestamp"})
public record Token(String runId, long sequence, Instant timestamp, String text) implements AgentEvent {

    public static final String TYPE = "token";

    @Override
    @JsonIgnore
    public String type() {
        return TYPE;
    }
}
