package dev.agentforge.model.openai;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementJsonUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Converts a LangChain4j {@link ChatRequest} into a streaming OpenAI {@code /chat/completions} body. */
final class ChatCompletionRequestWriter {

    private final JsonMapper mapper;

    ChatCompletionRequestWriter(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Writes the request body with {@code stream: true} and usage reporting on.
     *
     * @param defaultModelName the model used when the request names none
     * @param defaultTemperature the temperature used when the request sets none, or {@code null}
     * @throws IllegalArgumentException if a message or content type has no OpenAI equivalent
     */
    ObjectNode write(ChatRequest request, String defaultModelName, Double defaultTemperature) {
        ObjectNode body = mapper.createObjectNode();
        body.put("model", request.modelName() != null ? request.modelName() : defaultModelName);

        ArrayNode messages = body.putArray("messages");
        for (ChatMessage message : request.messages()) {
            messages.add(message(message));
        }

        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);

        Double temperature = request.temperature() != null ? request.temperature() : defaultTemperature;
        if (temperature != null) {
            body.put("temperature", temperature);
        }
        if (request.topP() != null) {
            body.put("top_p", request.topP());
        }
        if (request.topK() != null) {
            // Not part of OpenAI's API, but vLLM and other compatible servers accept it.
            body.put("top_k", request.topK());
        }
        if (request.maxOutputTokens() != null) {
            body.put("max_tokens", request.maxOutputTokens());
        }
        if (request.frequencyPenalty() != null) {
            body.put("frequency_penalty", request.frequencyPenalty());
        }
        if (request.presencePenalty() != null) {
            body.put("presence_penalty", request.presencePenalty());
        }
        List<String> stop = request.stopSequences();
        if (stop != null && !stop.isEmpty()) {
            ArrayNode stopNode = body.putArray("stop");
            stop.forEach(stopNode::add);
        }

        List<ToolSpecification> tools = request.toolSpecifications();
        if (tools != null && !tools.isEmpty()) {
            ArrayNode toolsNode = body.putArray("tools");
            for (ToolSpecification tool : tools) {
                toolsNode.add(tool(tool));
            }
            ToolChoice toolChoice = request.toolChoice();
            if (toolChoice != null) {
                body.put("tool_choice", toolChoice.name().toLowerCase(Locale.ROOT));
            }
        }

        ResponseFormat responseFormat = request.responseFormat();
        if (responseFormat != null && responseFormat.type() == ResponseFormatType.JSON) {
            body.set("response_format", responseFormat(responseFormat));
        }
        return body;
    }

    private ObjectNode message(ChatMessage message) {
        if (message instanceof SystemMessage system) {
            return textMessage("system", system.text());
        }
        if (message instanceof UserMessage user) {
            return userMessage(user);
        }
        if (message instanceof AiMessage ai) {
            return assistantMessage(ai);
        }
        if (message instanceof ToolExecutionResultMessage result) {
            ObjectNode node = textMessage("tool", result.text());
            node.put("tool_call_id", result.id());
            return node;
        }
        throw new IllegalArgumentException("Unsupported chat message type " + message.getClass().getName()
                + ": OpenAI-compatible endpoints take system, user, AI and tool result messages.");
    }

    private ObjectNode textMessage(String role, String text) {
        ObjectNode node = mapper.createObjectNode();
        node.put("role", role);
        node.put("content", text);
        return node;
    }

    private ObjectNode userMessage(UserMessage user) {
        ObjectNode node = mapper.createObjectNode();
        node.put("role", "user");
        if (user.hasSingleText()) {
            node.put("content", user.singleText());
        } else {
            ArrayNode parts = node.putArray("content");
            for (Content content : user.contents()) {
                parts.add(contentPart(content));
            }
        }
        if (user.name() != null) {
            node.put("name", user.name());
        }
        return node;
    }

    private ObjectNode contentPart(Content content) {
        ObjectNode part = mapper.createObjectNode();
        if (content instanceof TextContent text) {
            part.put("type", "text");
            part.put("text", text.text());
            return part;
        }
        if (content instanceof ImageContent image) {
            part.put("type", "image_url");
            ObjectNode imageUrl = part.putObject("image_url");
            imageUrl.put("url", imageUrl(image.image()));
            if (image.detailLevel() != null) {
                imageUrl.put("detail", image.detailLevel().name().toLowerCase(Locale.ROOT));
            }
            return part;
        }
        throw new IllegalArgumentException("Unsupported user message content " + content.type()
                + ": this client sends only text and image content to OpenAI-compatible endpoints.");
    }

    private static String imageUrl(Image image) {
        if (image.url() != null) {
            return image.url().toString();
        }
        return "data:" + image.mimeType() + ";base64," + image.base64Data();
    }

    private ObjectNode assistantMessage(AiMessage ai) {
        ObjectNode node = mapper.createObjectNode();
        node.put("role", "assistant");
        if (ai.text() != null) {
            node.put("content", ai.text());
        } else if (ai.hasToolExecutionRequests()) {
            node.putNull("content");
        } else {
            node.put("content", "");
        }
        if (ai.hasToolExecutionRequests()) {
            ArrayNode calls = node.putArray("tool_calls");
            for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                ObjectNode callNode = calls.addObject();
                callNode.put("id", call.id());
                callNode.put("type", "function");
                ObjectNode function = callNode.putObject("function");
                function.put("name", call.name());
                function.put("arguments", call.arguments() == null || call.arguments().isBlank()
                        ? "{}" : call.arguments());
            }
        }
        return node;
    }

    private ObjectNode tool(ToolSpecification tool) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", "function");
        ObjectNode function = node.putObject("function");
        function.put("name", tool.name());
        if (tool.description() != null) {
            function.put("description", tool.description());
        }
        function.set("parameters", parameters(tool.parameters()));
        if (tool.strict() != null) {
            function.put("strict", tool.strict());
        }
        return node;
    }

    // Some compatible servers reject an object schema without "properties", so it is always set.
    private ObjectNode parameters(JsonObjectSchema schema) {
        ObjectNode node;
        if (schema == null) {
            node = mapper.createObjectNode();
            node.put("type", "object");
        } else {
            node = (ObjectNode) schemaNode(schema);
        }
        if (!node.has("properties")) {
            node.putObject("properties");
        }
        return node;
    }

    private JsonNode schemaNode(JsonSchemaElement element) {
        return mapper.valueToTree(JsonSchemaElementJsonUtils.toMap(element));
    }

    private ObjectNode responseFormat(ResponseFormat format) {
        ObjectNode node = mapper.createObjectNode();
        JsonSchema schema = format.jsonSchema();
        if (schema == null) {
            node.put("type", "json_object");
            return node;
        }
        node.put("type", "json_schema");
        ObjectNode jsonSchema = node.putObject("json_schema");
        jsonSchema.put("name", schema.name() != null ? schema.name() : "response");
        jsonSchema.set("schema", schemaNode(schema.rootElement()));
        return node;
    }
}
