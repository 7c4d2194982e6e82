package dev.agentforge.monitor.audit;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON forms of audit records. The canonical form, which the hash covers, is one JSON object
 * with every field but {@code hash}, in a fixed order, nulls written as {@code null}, the
 * attributes sorted by name and no whitespace. The stored form is the canonical form with
 * {@code hash} as its last field.
 */
public final class AuditCodec {

    /** The fields of a record in their fixed order; the canonical form has all but the last. */
    public static final List<String> FIELDS = List.of("sequence", "time", "actor", "action", "resource", "outcome",
            "detail", "runId", "clientAddress", "userAgent", "attributes", "previousHash", "hash");

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    private AuditCodec() {
    }

    /** Returns the canonical form of a record as UTF-8 bytes: the input of its hash. */
    public static byte[] canonicalBytes(AuditRecord record) {
        return write(record, false).getBytes(StandardCharsets.UTF_8);
    }

    /** Writes a record in its stored form: one line of JSON without a line break. */
    public static String toJson(AuditRecord record) {
        return write(record, true);
    }

    /** Returns a record as a map in field order, for JSON responses. */
    public static Map<String, Object> toMap(AuditRecord record) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("sequence", record.sequence());
        map.put("time", record.time().toString());
        map.put("actor", record.actor());
        map.put("action", record.action());
        map.put("resource", record.resource());
        map.put("outcome", record.outcome().value());
        map.put("detail", record.detail());
        map.put("runId", record.runId());
        map.put("clientAddress", record.clientAddress());
        map.put("userAgent", record.userAgent());
        map.put("attributes", record.attributes());
        map.put("previousHash", record.previousHash());
        map.put("hash", record.hash());
        return map;
    }

    /**
     * Reads a record from its stored form.
     *
     * @throws IllegalArgumentException if the text is not JSON or lacks a required field
     */
    public static AuditRecord fromJson(String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("Invalid audit record JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("Invalid audit record JSON: not an object");
        }
        try {
            Map<String, String> attributes = new TreeMap<>();
            JsonNode attributeNode = node.get("attributes");
            if (attributeNode != null && attributeNode.isObject()) {
                for (Map.Entry<String, JsonNode> entry : attributeNode.properties()) {
                    attributes.put(entry.getKey(), entry.getValue().isNull() ? null : entry.getValue().asString());
                }
            }
            return new AuditRecord(
                    required(node, "sequence").asLong(),
                    Instant.parse(required(node, "time").asString()),
                    required(node, "actor").asString(),
                    required(node, "action").asString(),
                    optional(node, "resource"),
                    AuditOutcome.parse(required(node, "outcome").asString()),
                    optional(node, "detail"),
                    optional(node, "runId"),
                    optional(node, "clientAddress"),
                    optional(node, "userAgent"),
                    attributes,
                    required(node, "previousHash").asString(),
                    required(node, "hash").asString());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("Invalid audit record JSON: the time is not an ISO-8601 instant", e);
        }
    }

    /**
     * Returns the canonical JSON of a JSON text: object members sorted by name (by UTF-16 code
     * units), no whitespace, and numbers in one form per value, so {@code 1.50} and {@code 1.5} give
     * the same text. Returns null when the text is not valid JSON.
     */
    public static String canonicalJson(String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JacksonException e) {
            return null;
        }
        if (node == null || node.isMissingNode()) {
            return null;
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = MAPPER.createGenerator(out)) {
            writeCanonical(generator, node);
        }
        return out.toString();
    }

    /** Returns the mapper this codec parses with, for callers that parse or write related JSON. */
    static JsonMapper mapper() {
        return MAPPER;
    }

    private static void writeCanonical(JsonGenerator generator, JsonNode node) {
        if (node.isObject()) {
            generator.writeStartObject();
            List<String> names = new ArrayList<>(node.propertyNames());
            names.sort(null);
            for (String name : names) {
                generator.writeName(name);
                writeCanonical(generator, node.get(name));
            }
            generator.writeEndObject();
        } else if (node.isArray()) {
            generator.writeStartArray();
            for (JsonNode element : node) {
                writeCanonical(generator, element);
            }
            generator.writeEndArray();
        } else if (node.isNumber()) {
            writeNumber(generator, node);
        } else {
            generator.writeTree(node);
        }
    }

    // Integers keep their digits; decimals lose trailing zeros and use plain notation below 1e21.
    private static void writeNumber(JsonGenerator generator, JsonNode node) {
        if (node.isIntegralNumber()) {
            generator.writeNumber(node.bigIntegerValue());
            return;
        }
        BigDecimal value = node.decimalValue().stripTrailingZeros();
        if (value.signum() == 0) {
            generator.writeNumber(BigDecimal.ZERO);
        } else if (value.scale() <= 0 && value.precision() - value.scale() <= 21) {
            generator.writeNumber(value.toBigInteger());
        } else {
            generator.writeNumber(value);
        }
    }

    private static JsonNode required(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("Invalid audit record JSON: the field '" + name + "' is missing");
        }
        return value;
    }

    private static String optional(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static String write(AuditRecord record, boolean withHash) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = MAPPER.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeNumberProperty("sequence", record.sequence());
            generator.writeStringProperty("time", record.time().toString());
            generator.writeStringProperty("actor", record.actor());
            generator.writeStringProperty("action", record.action());
            writeNullable(generator, "resource", record.resource());
            generator.writeStringProperty("outcome", record.outcome().value());
            writeNullable(generator, "detail", record.detail());
            writeNullable(generator, "runId", record.runId());
            writeNullable(generator, "clientAddress", record.clientAddress());
            writeNullable(generator, "userAgent", record.userAgent());
            generator.writeName("attributes");
            generator.writeStartObject();
            for (Map.Entry<String, String> entry : record.attributes().entrySet()) {
                writeNullable(generator, entry.getKey(), entry.getValue());
            }
            generator.writeEndObject();
            generator.writeStringProperty("previousHash", record.previousHash());
            if (withHash) {
                generator.writeStringProperty("hash", record.hash());
            }
            generator.writeEndObject();
        }
        return out.toString();
    }

    private static void writeNullable(JsonGenerator generator, String name, String value) {
        if (value == null) {
            generator.writeNullProperty(name);
        } else {
            generator.writeStringProperty(name, value);
        }
    }
}
