package dev.agentforge.stream;

import dev.agentforge.event.Action;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.event.Progress;
import dev.agentforge.event.RunCancelled;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import dev.agentforge.event.Thought;
import dev.agentforge.event.Token;
import dev.agentforge.event.WaitingInput;

/**
 * Estimates the heap an event or notice retains: two bytes per char of its text plus a fixed object
 * overhead. This is the estimate {@code InMemoryEventLog} uses for its events, so a subscriber's queued
 * bytes and the log's retained bytes are comparable.
 */
final class EventSizes {

    /** The fixed overhead counted for every event or notice: the object, its id string and timestamp. */
    static final long OVERHEAD_BYTES = 96;

    private EventSizes() {
    }

    static long estimateBytes(AgentEvent event) {
        long chars = switch (event) {
            case RunStarted e -> length(e.input()) + length(e.modelNote());
            case Token e -> length(e.text());
            case Thought e -> length(e.text());
            case Action e -> length(e.arguments());
            case Observation e -> length(e.result()) + length(e.error());
            case ErrorEvent e -> length(e.message()) + length(e.partialText());
            case RunCompleted e -> length(e.answer());
            case Progress e -> length(e.message());
            case WaitingInput e -> length(e.question());
            case RunCancelled e -> length(e.reason());
        };
        return OVERHEAD_BYTES + 2 * chars;
    }

    static long estimateBytes(StreamNotice notice) {
        long chars = switch (notice) {
            case StreamNotice.EventsDropped n -> length(n.reason());
            case StreamNotice.EventsLost n -> length(n.reason());
            case StreamNotice.Disconnected n -> length(n.reason()) + length(n.message());
            case StreamNotice.StreamFailed n -> length(n.code()) + length(n.message());
        };
        return OVERHEAD_BYTES + 2 * chars;
    }

    private static long length(String text) {
        return text == null ? 0 : text.length();
    }
}
