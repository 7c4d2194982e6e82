package dev.agentforge.transport;

import java.util.Objects;

/**
 * One server-sent event, as written by {@link SseEncoder} and dispatched by {@link SseParser}.
 *
 * @param id the event id, or {@code null} for none. On a parsed event this is the stream's last
 *     event ID, which persists from earlier events, and {@code null} while it is empty.
 * @param event the event type, or {@code null} for the default type {@code message}
 * @param data the event data, with lines joined by LF
 * @param retry the reconnection time in milliseconds sent with this event, or {@code null}
 */
public record SseEvent(String id, String event, String data, Long retry) {

    public SseEvent {
        Objects.requireNonNull(data, "data");
        if (retry != null && retry < 0) {
            throw new IllegalArgumentException(
                    "Invalid SSE retry " + retry + ": the reconnection time must be 0 or more milliseconds.");
        }
    }

    /** Creates an event of the default type with only data. */
    public static SseEvent of(String data) {
        return new SseEvent(null, null, data, null);
    }

    /** Creates an event with a type and data. */
    public static SseEvent of(String event, String data) {
        return new SseEvent(null, event, data, null);
    }
}
