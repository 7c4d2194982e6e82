package dev.agentforge.stream;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.agentforge.event.ErrorCodes;
import dev.agentforge.event.EventCodec;
import dev.agentforge.model.ModelException;
import dev.agentforge.resilience.RetryPolicy;
import dev.agentforge.transport.SseEvent;

/**
 * A message about one subscriber's stream, not about the run: it is not an {@link dev.agentforge.event.AgentEvent},
 * is never written to the event log and has no sequence number. Its JSON form carries its name in the
 * field {@code type}, and on SSE it is sent as {@code event: <type>} with a {@code data:} line and no
 * {@code id:} line, so the client's last event id still points at the last event it received.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = StreamNotice.EventsDropped.class, name = StreamNotice.EventsDropped.TYPE),
        @JsonSubTypes.Type(value = StreamNotice.EventsLost.class, name = StreamNotice.EventsLost.TYPE),
        @JsonSubTypes.Type(value = StreamNotice.Disconnected.class, name = StreamNotice.Disconnected.TYPE),
        @JsonSubTypes.Type(value = StreamNotice.StreamFailed.class, name = StreamNotice.StreamFailed.TYPE)
})
public sealed interface StreamNotice extends StreamItem
        permits StreamNotice.EventsDropped, StreamNotice.EventsLost, StreamNotice.Disconnected, StreamNotice.StreamFailed {

    /** The id of the run whose stream this notice is about. */
    String runId();

    /** Writes the notice as one line of JSON, with its {@code type} field. */
    default String toJson() {
        return EventCodec.mapper().writerFor(StreamNotice.class).writeValueAsString(this);
    }

    /** Returns the SSE form: the notice's type as the event name, its JSON as data, and no id. */
    default SseEvent toSse() {
        return new SseEvent(null, type(), toJson(), null);
    }

    /** Reads a notice from its JSON form, as {@link #toJson()} writes it. */
    static StreamNotice fromJson(String json) {
        return EventCodec.mapper().readValue(json, StreamNotice.class);
    }

    /**
     * Events that this subscriber will not receive on this stream, although the event log keeps them.
     * The client fetches them again by resuming after {@code fromSequence - 1}. The range may include
     * progress events that a newer progress event replaced, so {@code count} can be smaller than the
     * range.
     *
     * @param fromSequence the sequence number of the first dropped event
     * @param toSequence the sequence number of the last dropped event
     * @param count how many events were dropped in the range
     * @param reason a stable code for why: {@link #REASON_BUFFER_FULL} or {@link #REASON_THROTTLED}
     */
    @JsonPropertyOrder({"type", "runId", "fromSequence", "toSequence", "count", "reason"})
    record EventsDropped(String runId, long fromSequence, long toSequence, long count, String reason)
            implements StreamNotice {

        public static final String TYPE = "events_dropped";

        /** The subscriber's buffer was full, so the queue dropped token, thought or progress events. */
        public static final String REASON_BUFFER_FULL = "buffer_full";

        /** A throttle dropped the events to keep to its rate. */
        public static final String REASON_THROTTLED = "throttled";

        public EventsDropped {
            if (fromSequence < 1 || toSequence < fromSequence) {
                throw new IllegalArgumentException("Invalid dropped range " + fromSequence + ".." + toSequence
                        + ": use sequence numbers from 1 with fromSequence <= toSequence");
            }
            if (count < 1 || count > toSequence - fromSequence + 1) {
                throw new IllegalArgumentException("Invalid dropped count " + count + " for the range "
                        + fromSequence + ".." + toSequence + ": use 1 up to the size of the range");
            }
        }

        /** Returns this notice with one more dropped event, which must follow the range. */
        EventsDropped plus(long sequence) {
            return new EventsDropped(runId, fromSequence, Math.max(toSequence, sequence), count + 1, reason);
        }

        /** Returns one notice for the dropped events of this notice and of a later one. */
        EventsDropped merge(EventsDropped later) {
            return new EventsDropped(runId, Math.min(fromSequence, later.fromSequence),
                    Math.max(toSequence, later.toSequence), count + later.count, reason);
        }

        @Override
        @JsonIgnore
        public String type() {
            return TYPE;
        }

        @Override
        public boolean terminal() {
            return false;
        }
    }

    /**
     * Events that can no longer be fetched, because the event log no longer contains them: a stream
     * resumed before the oldest event that the log's retention limit kept. The stream goes on with the
     * event after {@code toSequence}.
     *
     * @param fromSequence the sequence number of the first lost event
     * @param toSequence the sequence number of the last lost event
     * @param reason a stable code for why the events are gone
     */
    @JsonPropertyOrder({"type", "runId", "fromSequence", "toSequence", "reason"})
    record EventsLost(String runId, long fromSequence, long toSequence, String reason) implements StreamNotice {

        public static final String TYPE = "events_lost";

        /** The event log trimmed the events under its retention limit. */
        public static final String REASON_RETENTION_LIMIT = "retention_limit";

        public EventsLost {
            if (fromSequence < 1 || toSequence < fromSequence) {
                throw new IllegalArgumentException("Invalid lost range " + fromSequence + ".." + toSequence
                        + ": use sequence numbers from 1 with fromSequence <= toSequence");
            }
        }

        @Override
        @JsonIgnore
        public String type() {
            return TYPE;
        }

        @Override
        public boolean terminal() {
            return false;
        }
    }

    /**
     * The last item of a stream whose subscriber fell too far behind. The run goes on and its log keeps
     * every event, so the client reconnects and resumes after {@code lastSequence}.
     *
     * @param reason a stable code: {@link #REASON_BUFFER_FULL} or {@link #REASON_TOO_FAR_BEHIND}
     * @param message what happened and the limit that was reached, for people
     * @param lastSequence the sequence number of the last event delivered to this subscriber, 0 if none
     */
    @JsonPropertyOrder({"type", "runId", "reason", "message", "lastSequence"})
    record Disconnected(String runId, String reason, String message, long lastSequence) implements StreamNotice {

        public static final String TYPE = "disconnected";

        /** The buffer was full of events that must be delivered, so no new event fit. */
        public static final String REASON_BUFFER_FULL = "buffer_full";

        /** The subscriber was behind by more events, or by a longer time, than its policy allows. */
        public static final String REASON_TOO_FAR_BEHIND = "too_far_behind";

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

    /**
     * The last item of a stream that failed while reading the run's events, shaped like an
     * {@link dev.agentforge.event.ErrorEvent} but about the stream: the run itself may still be working.
     *
     * @param code a stable code from {@link ErrorCodes}
     * @param message what failed, for people
     * @param retryable whether resuming after {@code lastSequence} may succeed
     * @param lastSequence the sequence number of the last event delivered before the failure, 0 if none
     */
    @JsonPropertyOrder({"type", "runId", "code", "message", "retryable", "lastSequence"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StreamFailed(String runId, String code, String message, boolean retryable, long lastSequence)
            implements StreamNotice {

        public static final String TYPE = "stream_failed";

        private static final int MAX_CAUSE_DEPTH = 16;

        /**
         * Describes a failure: the code of a {@link ModelException} in its causes, else
         * {@link ErrorCodes#INTERNAL_ERROR}, and whether {@link RetryPolicy#isRetryableByDefault} retries it.
         */
        public static StreamFailed of(String runId, Throwable failure, long lastSequence) {
            String code = ErrorCodes.INTERNAL_ERROR;
            Throwable cause = failure;
            for (int depth = 0; depth < MAX_CAUSE_DEPTH && cause != null; depth++, cause = cause.getCause()) {
                if (cause instanceof ModelException model) {
                    code = model.code();
                    break;
                }
            }
            String message = failure.getClass().getName() + ": " + failure.getMessage();
            return new StreamFailed(runId, code, message, RetryPolicy.isRetryableByDefault(failure), lastSequence);
        }

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
}
