package dev.agentforge.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * How far a run has come.
 *
 * @param current the units of work done so far
 * @param total the units of work in all, or null while unknown
 * @param message what the run is doing now, or null
 */
@JsonPropertyOrder({"type", "runId", "sequence", "timestamp", "current", "total", "message"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Progress(String runId, long sequence, Instant timestamp, long current, Long total, String message)
        implements AgentEvent {

    public static final String TYPE = "progress";

    @Override
    @JsonIgnore
    public String type() {
        return TYPE;
    }
}
