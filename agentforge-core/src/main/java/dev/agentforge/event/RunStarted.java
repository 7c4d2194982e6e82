package dev.agentforge.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * The first event of every run.
 *
 * @param input the user's input that started the run
 * @param model the model that serves the run, for example {@code scripted} or {@code openai:gpt-4o-mini}
 * @param modelNote a note about the model for the people who watch the run, such as the warning that an
 *     offline scripted model answers only a documented set of requests; null when there is none
 * @param principal the principal the run acts for
 */
@JsonPropertyOrder({"type", "runId", "sequence", "timestamp"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunStarted(String runId, long sequence, Instant timestamp, String input, String model,
        String modelNote, String principal) implements AgentEvent {

    public static final String TYPE = "run_started";

    @Override
    @JsonIgnore
    public String type() {
        return TYPE;
    }
}
