package dev.agentforge.server.agui;

import dev.agentforge.server.ApiException;
import dev.agentforge.server.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The parts of an AG-UI {@code RunAgentInput} request body that AgentForge uses: the thread and
 * run ids, which the AG-UI events repeat, and the text of the last {@code user} message, which
 * becomes the run's input. The agent's own tools run, so the request's {@code tools} are not
 * offered to the model, and {@code state}, {@code context}, {@code forwardedProps}, {@code resume}
 * and the earlier messages are accepted but not used.
 *
 * @param threadId the AG-UI thread id
 * @param runId the AG-UI run id, chosen by the client
 * @param input the text of the last user message
 * @param messageCount the number of messages in the request, including the last user message
 */
public record RunAgentInput(String threadId, String runId, String input, int messageCount) {

    /**
     * Reads the fields AgentForge uses from a request body and checks the types of the others that
     * AG-UI defines as arrays.
     *
     * @throws ApiException 400 when a required field is missing, a field has the wrong type, or no
     *     user message has text
     */
    public static RunAgentInput parse(JsonNode body) {
        String threadId = requiredText(body, "threadId");
        String runId = requiredText(body, "runId");
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw missing("messages", "send the conversation as an array of messages that ends with a user message,"
                    + " as in {\"messages\": [{\"id\": \"m1\", \"role\": \"user\", \"content\": \"...\"}]}");
        }
        if (!messages.isArray()) {
            throw invalid("messages", "The field 'messages' must be an array of AG-UI messages, got "
                    + typeName(messages));
        }
        optionalArray(body, "tools");
        optionalArray(body, "context");
        optionalArray(body, "resume");
        String input = lastUserText(messages);
        return new RunAgentInput(threadId, runId, input, messages.size());
    }

    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            if (!message.isObject() || !"user".equals(textOrNull(message.get("role")))) {
                continue;
            }
            String text = textOf(message.get("content"), i);
            if (text.isBlank()) {
                throw invalid("messages", "The last user message, messages[" + i + "], has no text; send its"
                        + " content as a non-blank string or as text parts");
            }
            return text;
        }
        throw invalid("messages", "The request has no user message; the text of the last message with role"
                + " 'user' becomes the agent's input");
    }

    // AG-UI content is a string or an array of parts. Text parts are joined with a line break, and
    // the other parts (image, audio, video, document) are rejected, because the agent takes only text.
    private static String textOf(JsonNode content, int index) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.asString();
        }
        if (!content.isArray()) {
            throw invalid("messages", "The content of messages[" + index + "] must be a string or an array of"
                    + " parts, got " + typeName(content));
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode part : content) {
            String type = part.isObject() ? textOrNull(part.get("type")) : null;
            if (!"text".equals(type)) {
                throw invalid("messages", "messages[" + index + "] has a content part of type '" + type
                        + "'; this agent takes only parts of type 'text'");
            }
            String text = textOrNull(part.get("text"));
            if (text == null) {
                throw invalid("messages", "A text part of messages[" + index + "] has no string 'text' field");
            }
            texts.add(text);
        }
        return String.join("\n", texts);
    }

    private static String requiredText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw missing(field, "send it as a non-blank string, as AG-UI's RunAgentInput requires");
        }
        if (!value.isString()) {
            throw invalid(field, "The field '" + field + "' must be a string, got " + typeName(value));
        }
        if (value.asString().isBlank()) {
            throw invalid(field, "The field '" + field + "' is blank; send a non-blank id");
        }
        return value.asString();
    }

    private static void optionalArray(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value != null && !value.isNull() && !value.isArray()) {
            throw invalid(field, "The field '" + field + "' must be an array when present, got " + typeName(value));
        }
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isString() ? node.asString() : null;
    }

    private static String typeName(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static ApiException missing(String field, String advice) {
        return new ApiException(400, ErrorCode.MISSING_FIELD, "The request body has no '" + field + "' field; "
                + advice, Map.of("field", field), Map.of());
    }

    private static ApiException invalid(String field, String message) {
        return new ApiException(400, ErrorCode.INVALID_FIELD, message, Map.of("field", field), Map.of());
    }
}
