package dev.agentforge.stream;

import dev.agentforge.event.AgentEvent;
import java.util.Objects;

/**
 * One element of a live subscriber's stream: an event of the run, or a notice about the stream itself.
 * Events come from the run's event log and keep their sequence numbers. Notices are never logged and
 * have no sequence number, so a transport writes them without an id and a client never resumes after one.
 */
public sealed interface StreamItem permits StreamItem.Event, StreamNotice {

    /** Wraps an event of the run. */
    static StreamItem of(AgentEvent event) {
        return new Event(event);
    }

    /** The name the item is sent under: the event's {@code type}, or the notice's. */
    String type();

    /** Whether nothing follows this item on the subscriber's stream. */
    boolean terminal();

    /**
     * An event of the run. When the subscriber's queue coalesced several token or thought events into
     * this one, it carries the text of all of them and the sequence number of the last.
     */
    record Event(AgentEvent event) implements StreamItem {

        public Event {
            Objects.requireNonNull(event, "event");
        }

        @Override
        public String type() {
            return event.type();
        }

        @Override
        public boolean terminal() {
            return event.terminal();
        }
    }
}
