package dev.agentforge.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a JSON object from a request body within a size limit. The limit is checked against the
 * {@code Content-Length} header before reading and against the bytes actually read, so a chunked
 * body without a length is stopped as soon as it passes the limit.
 */
final class JsonBodyReader {

    /** The environment variable that sets the body limit, named in 413 messages. */
    static final String LIMIT_SETTING = "AGENTFORGE_MAX_BODY_BYTES";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final long maxBodyBytes;

    JsonBodyReader(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Checks the content type and length, reads the body and parses it as a JSON object.
     *
     * @param contentType the request's {@code Content-Type} header, or null
     * @param contentLength the request's {@code Content-Length}, or -1 when it has none
     * @throws ApiException with status 415, 413 or 400 when the body is rejected
     * @throws IOException if reading the body fails
     */
    JsonNode readObject(String contentType, long contentLength, InputStream body) throws IOException {
        checkContentType(contentType);
        if (contentLength > maxBodyBytes) {
            throw tooLarge("declares Content-Length " + contentLength);
        }
        byte[] bytes = readLimited(body);
        return parseObject(bytes);
    }

    private static void checkContentType(String contentType) {
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            String got = contentType == null || contentType.isBlank() ? "no Content-Type" : "Content-Type '" + contentType + "'";
            throw new ApiException(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The request body must be JSON, but the request has "
                    + got + "; send the header 'Content-Type: application/json'");
        }
    }

    private byte[] readLimited(InputStream body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long total = 0;
        int read;
        while ((read = body.read(buffer)) != -1) {
            total += read;
            if (total > maxBodyBytes) {
                throw tooLarge("has more than " + maxBodyBytes + " bytes");
            }
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }

    private ApiException tooLarge(String what) {
        return new ApiException(413, ErrorCode.BODY_TOO_LARGE, "The request body " + what
                + ", over the limit of " + maxBodyBytes + " bytes; send a smaller body or raise the limit with "
                + LIMIT_SETTING, Map.of("limitBytes", maxBodyBytes), Map.of());
    }

    private static JsonNode parseObject(byte[] bytes) {
        if (bytes.length == 0) {
            throw new ApiException(400, ErrorCode.INVALID_JSON,
                    "The request body is empty; send a JSON object such as {\"input\": \"...\"}");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw new ApiException(400, ErrorCode.INVALID_JSON, "The request body is not valid JSON"
                    + at(e.getLocation()) + ": " + e.getOriginalMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw new ApiException(400, ErrorCode.INVALID_JSON,
                    "The request body contains only whitespace; send a JSON object such as {\"input\": \"...\"}");
        }
        if (!node.isObject()) {
            String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
            throw new ApiException(400, ErrorCode.INVALID_REQUEST, "The request body must be a JSON object, got "
                    + type + "; send an object such as {\"input\": \"...\"}");
        }
        return node;
    }

    private static String at(TokenStreamLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /**
     * Returns a required, non-blank string field of a request object.
     *
     * @throws ApiException with status 400 if the field is missing, null, not a string or blank
     */
    static String requiredText(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw new ApiException(400, ErrorCode.MISSING_FIELD, "The request body has no '" + field
                    + "' field; send it as a non-blank string, as in {\"" + field + "\": \"...\"}",
                    Map.of("field", field), Map.of());
        }
        if (!value.isString()) {
            String type = value.getNodeType().name().toLowerCase(Locale.ROOT);
            throw new ApiException(400, ErrorCode.INVALID_FIELD, "The field '" + field + "' must be a string, got "
                    + type + "; send it as in {\"" + field + "\": \"...\"}", Map.of("field", field), Map.of());
        }
        String text = value.asString();
        if (text.isBlank()) {
            throw new ApiException(400, ErrorCode.INVALID_FIELD, "The field '" + field
                    + "' is blank; send the text for the agent to work on", Map.of("field", field), Map.of());
        }
        return text;
    }
}
