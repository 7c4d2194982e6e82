package dev.agentforge.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * One step of an agent run. Every event carries the id of its run, a sequence number that starts at 1
 * and rises by exactly 1 per event of the run, and the time it was created. The JSON form carries the
 * event name in the field {@code type}, which is also the SSE {@code event:} name.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = RunStarted.class, name = RunStarted.TYPE),
        @JsonSubTypes.Type(value = Token.class, name = Token.TYPE),
        @JsonSubTypes.Type(value = Thought.class, name = Thought.TYPE),
        @JsonSubTypes.Type(value = Action.class, name = Action.TYPE),
        @JsonSubTypes.Type(value = Observation.class, name = Observation.TYPE),
        @JsonSubTypes.Type(value = Progress.class, name = Progress.TYPE),
        @JsonSubTypes.Type(value = WaitingInput.class, name = WaitingInput.TYPE),
        @JsonSubTypes.Type(value = ErrorEvent.class, name = ErrorEvent.TYPE),
        @JsonSubTypes.Type(value = RunCompleted.class, name = RunCompleted.TYPE),
        @JsonSubTypes.Type(value = RunCancelled.class, name = RunCancelled.TYPE)
})
public sealed interface AgentEvent
        permits RunStarted, Token, Thought, Action, Observation, Progress, WaitingInput, ErrorEvent, RunCompleted,
        RunCancelled {

    /** The id of the run this event belongs to. */
    String runId();

    /** The position of this event in its run: 1 for the first event, then rising by exactly 1. */
    long sequence();

    /** The time the event was created. */
    Instant timestamp();

    /** The event name: the JSON {@code type} field and the SSE {@code event:} name. */
    String type();

    /** Whether this event ends its run: nothing follows it in the run's event log. */
    default boolean terminal() {
        return false;
    }
}
