package dev.agentforge.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * A tool call that the model requested, sent before the tool runs.
 *
 * @param callId the id that pairs this call with its {@link Observation}
 * @param tool the name of the tool the model called
 * @param arguments the arguments as the model wrote them: a JSON text, kept verbatim even when invalid
 */
@JsonPropertyOrder({"type", "runId", "sequence", "timestamp", "callId", "tool", "arguments"})
public record Action(String runId, long sequence, Instant timestamp, String callId, String tool, String arguments)
        implements AgentEvent {

    public static final String TYPE = "action";

    @Override
    @JsonIgnore
    public String type() {
        return TYPE;
    }
}
