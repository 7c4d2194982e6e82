package dev.agentforge.event;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON form of {@link AgentEvent}s, shared by every transport. Field names are stable: new
 * fields may be added, existing ones keep their names and meaning. Timestamps are ISO-8601 strings in UTC.
 */
public final class EventCodec {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final ObjectWriter WRITER = MAPPER.writerFor(AgentEvent.class);

    private EventCodec() {
    }

    /** Writes an event as one line of JSON. */
    public static String toJson(AgentEvent event) {
        return WRITER.writeValueAsString(event);
    }

    /**
     * Reads an event from its JSON form. Unknown fields are ignored, so a reader keeps working when a
     * newer writer adds fields.
     *
     * @throws IllegalArgumentException if the text is not JSON or names no known event type
     */
    public static AgentEvent fromJson(String json) {
        try {
            return MAPPER.readValue(json, AgentEvent.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("Invalid agent event JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The mapper behind this codec, for code that embeds events in larger JSON documents. */
    public static JsonMapper mapper() {
        return MAPPER;
    }
}
