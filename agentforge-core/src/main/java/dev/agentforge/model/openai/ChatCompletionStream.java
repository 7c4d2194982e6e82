package dev.agentforge.model.openai;

import dev.agentforge.event.ErrorCodes;
import dev.agentforge.model.ModelErrors;
import dev.agentforge.model.ModelException;
import dev.agentforge.transport.SseEvent;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the events of one streamed chat completion: passes text and reasoning deltas to the
 * handler, merges tool-call fragments, and builds the final {@link ChatResponse}.
 *
 * <p>A response counts as complete only when a choice had a {@code finish_reason} and the
 * {@code [DONE]} marker arrived. Not thread-safe.
 */
final class ChatCompletionStream {

    private static final String DONE = "[DONE]";
    private static final int MAX_QUOTED_CHUNK = 200;

    private final JsonMapper mapper;
    private final StreamingChatResponseHandler handler;
    private final StreamingHandle handle;

    private final StringBuilder text = new StringBuilder();
    private final StringBuilder thinking = new StringBuilder();
    private final ToolCallAccumulator toolCalls = new ToolCallAccumulator();
    private String id;
    private String modelName;
    private String finishReason;
    private TokenUsage tokenUsage;
    private boolean done;

    ChatCompletionStream(JsonMapper mapper, StreamingChatResponseHandler handler, StreamingHandle handle) {
        this.mapper = mapper;
        this.handler = handler;
        this.handle = handle;
    }

    /** Returns whether the {@code [DONE]} marker arrived. */
    boolean isDone() {
        return done;
    }

    /** Returns the text streamed so far. */
    String partialText() {
        return text.toString();
    }

    /**
     * Processes one event of the stream.
     *
     * @throws ModelException if the event is an error or is not valid JSON
     * @throws HandlerException if a handler callback threw
     */
    void accept(SseEvent event) {
        if (done) {
            return;
        }
        String data = event.data();
        if (DONE.equals(data.strip())) {
            done = true;
            return;
        }
        JsonNode chunk = parse(data, "error".equals(event.event()));
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            throw providerError(error);
        }
        if ("error".equals(event.event())) {
            throw providerError(chunk);
        }

        if (id == null && chunk.path("id").isString()) {
            id = chunk.path("id").stringValue();
        }
        if (modelName == null && chunk.path("model").isString()) {
            modelName = chunk.path("model").stringValue();
        }
        JsonNode usage = chunk.get("usage");
        if (usage != null && usage.isObject()) {
            tokenUsage = tokenUsage(usage);
        }
        JsonNode choices = chunk.path("choices");
        for (JsonNode choice : choices) {
            // Only the first choice is read, because the request never sets n above 1.
            if (choice.path("index").asInt(0) == 0) {
                acceptChoice(choice);
            }
        }
    }

    /**
     * Returns the final response once the stream has ended.
     *
     * @throws ModelException with code {@link ErrorCodes#INCOMPLETE_RESPONSE} if the stream ended
     *     without a finish reason or without {@code [DONE]}, or {@link ErrorCodes#MODEL_ERROR} if
     *     a tool call has no function name
     */
    ChatResponse finish() {
        if (finishReason == null) {
            throw ModelException.incompleteResponse(
                    "the stream ended without a finish_reason" + (done ? "." : " and without its [DONE] marker."),
                    partialText());
        }
        if (!done) {
            throw ModelException.incompleteResponse(
                    "the stream ended without its [DONE] marker after finish_reason " + finishReason + ".",
                    partialText());
        }
        List<ToolExecutionRequest> requests = toolExecutionRequests();
        for (int i = 0; i < requests.size(); i++) {
            int position = i;
            notifyHandler(() -> handler.onCompleteToolCall(new CompleteToolCall(position, requests.get(position))));
        }
        AiMessage.Builder message = AiMessage.builder();
        if (!text.isEmpty()) {
            message.text(text.toString());
        }
        if (!thinking.isEmpty()) {
            message.thinking(thinking.toString());
        }
        if (!requests.isEmpty()) {
            message.toolExecutionRequests(requests);
        }
        return ChatResponse.builder()
                .aiMessage(message.build())
                .id(id)
                .modelName(modelName)
                .tokenUsage(tokenUsage)
                .finishReason(finishReason(finishReason))
                .build();
    }

    private void acceptChoice(JsonNode choice) {
        JsonNode delta = choice.path("delta");
        String content = stringOrNull(delta.get("content"));
        if (content != null && !content.isEmpty()) {
            text.append(content);
            notifyHandler(() -> handler.onPartialResponse(
                    new PartialResponse(content), new PartialResponseContext(handle)));
        }
        String reasoning = stringOrNull(delta.get("reasoning_content"));
        if (reasoning == null) {
            reasoning = stringOrNull(delta.get("reasoning"));
        }
        if (reasoning != null && !reasoning.isEmpty()) {
            thinking.append(reasoning);
            String piece = reasoning;
            notifyHandler(() -> handler.onPartialThinking(
                    new PartialThinking(piece), new PartialThinkingContext(handle)));
        }
        for (JsonNode fragment : delta.path("tool_calls")) {
            acceptToolCallFragment(fragment);
        }
        String reason = stringOrNull(choice.get("finish_reason"));
        if (reason != null && !reason.isEmpty()) {
            finishReason = reason;
        }
    }

    private void acceptToolCallFragment(JsonNode fragment) {
        JsonNode indexNode = fragment.get("index");
        Integer index = indexNode != null && indexNode.isIntegralNumber() ? indexNode.intValue() : null;
        JsonNode function = fragment.path("function");
        JsonNode argumentsNode = function.get("arguments");
        String arguments;
        if (argumentsNode == null || argumentsNode.isNull()) {
            arguments = null;
        } else if (argumentsNode.isString()) {
            arguments = argumentsNode.stringValue();
        } else {
            // Some servers send the arguments as a JSON object instead of a string.
            arguments = mapper.writeValueAsString(argumentsNode);
        }
        toolCalls.add(index, stringOrNull(fragment.get("id")), stringOrNull(function.get("name")), arguments);
    }

    private List<ToolExecutionRequest> toolExecutionRequests() {
        List<ToolExecutionRequest> requests = new ArrayList<>();
        List<ToolCallAccumulator.ToolCall> calls = toolCalls.toolCalls();
        for (int i = 0; i < calls.size(); i++) {
            ToolCallAccumulator.ToolCall call = calls.get(i);
            if (call.name() == null) {
                throw new ModelException(ErrorCodes.MODEL_ERROR,
                        "The model returned tool call " + i + " (index " + call.index() + ", id " + call.id()
                                + ") without a function name.",
                        false, partialText());
            }
            // Servers that send no call id get one made up, so that the tool result can refer to it.
            String callId = call.id() != null ? call.id() : "call_" + i;
            String arguments = call.arguments().isBlank() ? "{}" : call.arguments();
            requests.add(ToolExecutionRequest.builder().id(callId).name(call.name()).arguments(arguments).build());
        }
        return requests;
    }

    private JsonNode parse(String data, boolean errorEvent) {
        try {
            return mapper.readTree(data);
        } catch (JacksonException e) {
            if (errorEvent) {
                throw ModelErrors.forProviderErrorType(null, data, partialText());
            }
            throw new ModelException(ErrorCodes.MODEL_ERROR,
                    "The model stream sent a chunk that is not valid JSON: " + quote(data), false, partialText(), e);
        }
    }

    private ModelException providerError(JsonNode error) {
        if (error.isString()) {
            return ModelErrors.forProviderErrorType(null, error.stringValue(), partialText());
        }
        String type = stringOrNull(error.get("type"));
        if (type == null) {
            type = stringOrNull(error.get("code"));
        }
        String message = stringOrNull(error.get("message"));
        if (message == null) {
            message = quote(error.toString());
        }
        return ModelErrors.forProviderErrorType(type, message, partialText());
    }

    private static TokenUsage tokenUsage(JsonNode usage) {
        return new TokenUsage(
                intOrNull(usage.get("prompt_tokens")),
                intOrNull(usage.get("completion_tokens")),
                intOrNull(usage.get("total_tokens")));
    }

    static FinishReason finishReason(String reason) {
        return switch (reason) {
            case "stop" -> FinishReason.STOP;
            case "length" -> FinishReason.LENGTH;
            case "tool_calls", "function_call" -> FinishReason.TOOL_EXECUTION;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }

    private void notifyHandler(Runnable callback) {
        if (handle.isCancelled()) {
            return;
        }
        try {
            callback.run();
        } catch (RuntimeException e) {
            throw new HandlerException(e);
        }
    }

    private static String stringOrNull(JsonNode node) {
        return node != null && node.isString() ? node.stringValue() : null;
    }

    private static Integer intOrNull(JsonNode node) {
        return node != null && node.isIntegralNumber() ? node.intValue() : null;
    }

    private static String quote(String text) {
        String shortened = text.length() > MAX_QUOTED_CHUNK ? text.substring(0, MAX_QUOTED_CHUNK) + "..." : text;
        return "\"" + shortened + "\"";
    }

    /** An exception thrown by a handler callback, carried out of the stream unchanged. */
    static final class HandlerException extends RuntimeException {
        HandlerException(RuntimeException cause) {
            super(cause);
        }
    }
}
