package dev.agentforge.server.transport;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.EventCodec;
import dev.agentforge.stream.StreamNotice;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON envelope of {@code /v1/ws}: the client messages it parses and the server messages it
 * writes. docs/websocket.md describes each one. Every message is one JSON object in one text frame,
 * with its kind in {@code type}; a client's optional {@code id} comes back in the {@code ack} or
 * {@code error} that answers it.
 */
final class WsProtocol {

    /** The topic of the operator feed: the lifecycle events of every run. */
    static final String RUNS_TOPIC = "runs";

    /** The prefix of a run's topic, {@code run:<runId>}. */
    static final String RUN_TOPIC_PREFIX = "run:";

    /** The longest client request id accepted, in chars. */
    static final int MAX_ID_LENGTH = 128;

    private static final JsonMapper MAPPER = EventCodec.mapper();

    private WsProtocol() {
    }

    /** A client message. */
    sealed interface ClientMessage {
        /** The client's request id, or null. */
        String id();

        /** The message's {@code type}. */
        String type();
    }

    record Start(String id, String input) implements ClientMessage {
        public String type() {
            return "start";
        }
    }

    record Input(String id, String runId, String input) implements ClientMessage {
        public String type() {
            return "input";
        }
    }

    record Cancel(String id, String runId, String reason) implements ClientMessage {
        public String type() {
            return "cancel";
        }
    }

    record Resume(String id, String runId, long after) implements ClientMessage {
        public String type() {
            return "resume";
        }
    }

    record Subscribe(String id, String topic, long after) implements ClientMessage {
        public String type() {
            return "subscribe";
        }
    }

    record Unsubscribe(String id, String topic) implements ClientMessage {
        public String type() {
            return "unsubscribe";
        }
    }

    /**
     * A message that cannot be read at all: not JSON, not an object, or of an unknown type. The server
     * closes the connection with 1008 after it.
     */
    static final class ProtocolViolation extends Exception {
        private final String id;

        ProtocolViolation(String message) {
            this(null, message);
        }

        ProtocolViolation(String id, String message) {
            super(message);
            this.id = id;
        }

        /** The request id of the message, when it could be read, so the error can carry it. */
        String id() {
            return id;
        }
    }

    /** A readable message with an invalid field. The server answers with an {@code error} and goes on. */
    static final class InvalidMessage extends Exception {
        private final String id;
        private final String code;

        InvalidMessage(String id, String code, String message) {
            super(message);
            this.id = id;
            this.code = code;
        }

        String id() {
            return id;
        }

        String code() {
            return code;
        }
    }

    /** Parses one text message. */
    static ClientMessage parse(String text) throws ProtocolViolation, InvalidMessage {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new ProtocolViolation("The message is not valid JSON (" + e.getOriginalMessage()
                    + "); send one JSON object per text message");
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolViolation("The message is not a JSON object; send an object with a \"type\" field");
        }
        String type = node.path("type").isString() ? node.get("type").asString() : null;
        if (type == null) {
            throw new ProtocolViolation("The message has no \"type\" string; use start, input, cancel, resume,"
                    + " subscribe or unsubscribe");
        }
        String id = requestId(node);
        return switch (type) {
            case "start" -> new Start(id, text(node, id, "input"));
            case "input" -> new Input(id, text(node, id, "runId"), text(node, id, "input"));
            case "cancel" -> new Cancel(id, text(node, id, "runId"), optionalText(node, id, "reason"));
            case "resume" -> new Resume(id, text(node, id, "runId"), sequence(node, id, "after", true));
            case "subscribe" -> new Subscribe(id, topic(node, id), sequence(node, id, "after", false));
            case "unsubscribe" -> new Unsubscribe(id, topic(node, id));
            default -> throw new ProtocolViolation(id, "Unknown message type '" + type + "'; use start, input,"
                    + " cancel, resume, subscribe or unsubscribe");
        };
    }

    private static String requestId(JsonNode node) throws InvalidMessage {
        JsonNode id = node.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        if (!id.isString() || id.asString().isEmpty() || id.asString().length() > MAX_ID_LENGTH) {
            throw new InvalidMessage(null, "invalid_field", "Invalid \"id\": use a string of 1 to " + MAX_ID_LENGTH
                    + " chars, or leave it out");
        }
        return id.asString();
    }

    private static String text(JsonNode node, String id, String field) throws InvalidMessage {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidMessage(id, "missing_field", "The " + node.path("type").asString() + " message has no \""
                    + field + "\" field; send it as a string");
        }
        if (!value.isString() || value.asString().isBlank()) {
            throw new InvalidMessage(id, "invalid_field", "Invalid \"" + field + "\": use a non-blank string");
        }
        return value.asString();
    }

    private static String optionalText(JsonNode node, String id, String field) throws InvalidMessage {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new InvalidMessage(id, "invalid_field", "Invalid \"" + field + "\": use a string, or leave it out");
        }
        return value.asString();
    }

    private static long sequence(JsonNode node, String id, String field, boolean required) throws InvalidMessage {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidMessage(id, "missing_field", "The " + node.path("type").asString() + " message has"
                        + " no \"" + field + "\" field; send the sequence number of the last event received, or 0");
            }
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new InvalidMessage(id, "invalid_field", "Invalid \"" + field + "\": use a whole number from 0 to "
                    + Long.MAX_VALUE);
        }
        return value.asLong();
    }

    private static String topic(JsonNode node, String id) throws InvalidMessage {
        String topic = text(node, id, "topic");
        if (topic.equals(RUNS_TOPIC) || (topic.startsWith(RUN_TOPIC_PREFIX) && topic.length() > RUN_TOPIC_PREFIX.length())) {
            return topic;
        }
        throw new InvalidMessage(id, "invalid_topic", "Invalid topic '" + topic + "': use \"run:<runId>\" or \""
                + RUNS_TOPIC + "\"");
    }

    /** Writes an {@code event} message: the event's JSON with its topic, run id and sequence number. */
    static String event(String topic, AgentEvent event) {
        return "{\"type\":\"event\",\"topic\":" + quote(topic) + ",\"runId\":" + quote(event.runId())
                + ",\"sequence\":" + event.sequence() + ",\"event\":" + EventCodec.toJson(event) + "}";
    }

    /** Writes a {@code notice} message about a run's stream. */
    static String notice(String topic, StreamNotice notice) {
        return "{\"type\":\"notice\",\"topic\":" + quote(topic) + ",\"runId\":" + quote(notice.runId())
                + ",\"notice\":" + notice.toJson() + "}";
    }

    /** Writes an {@code ack} message with the request's fields. */
    static String ack(ClientMessage request, Map<String, Object> fields) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "ack");
        message.put("id", request.id());
        message.put("request", request.type());
        message.putAll(fields);
        return MAPPER.writeValueAsString(message);
    }

    /** Writes an {@code error} message. */
    static String error(String id, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "error");
        error.put("id", id);
        error.put("code", code);
        error.put("message", message);
        return MAPPER.writeValueAsString(error);
    }

    private static String quote(String text) {
        return MAPPER.writeValueAsString(text);
    }
}
