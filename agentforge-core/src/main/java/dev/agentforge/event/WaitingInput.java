package dev.agentforge.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * The run is waiting for the user's answer to a question that its model asked through the
 * {@code ask_user} tool. The run goes on when the answer arrives, and the answer becomes the result
 * of the tool call, in the {@link Observation} with the same {@code callId}.
 *
 * @param callId the id of the {@code ask_user} {@link Action} this wait belongs to
 * @param question the question for the user, as the model wrote it
 */
@JsonPropertyOrder({"type", "runId", "sequence", "timestamp", "callId", "question"})
public record WaitingInput(String runId, long sequence, Instant timestamp, String callId, String question)
        implements AgentEvent {

    public static final String TYPE = "waiting_input";

    @Override
    @JsonIgnore
    public String type() {
        return TYPE;
    }
}
