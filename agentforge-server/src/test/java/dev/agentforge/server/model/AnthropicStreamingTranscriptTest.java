package dev.agentforge.server.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.event.ErrorCodes;
import dev.agentforge.model.ModelErrors;
import dev.agentforge.model.ModelException;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replays recorded Anthropic streams into LangChain4j 1.19.0's {@link AnthropicStreamingChatModel}
 * and checks what the agent loop relies on: a mid-stream error keeps the partial text and
 * classifies as retryable, and a tool-use stream yields the tool call.
 */
class AnthropicStreamingTranscriptTest {

    private static final long WAIT_SECONDS = 10;

    private MockWebServer server;
    private AnthropicStreamingChatModel model;

    /** Records callbacks and completes {@code terminal} with the first terminal callback's value. */
    private static final class RecordingHandler implements StreamingChatResponseHandler {
        final List<String> partials = new CopyOnWriteArrayList<>();
        final List<ChatResponse> responses = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final CompletableFuture<Object> terminal = new CompletableFuture<>();

        @Override
        public void onPartialResponse(String partialResponse) {
            partials.add(partialResponse);
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            responses.add(completeResponse);
            terminal.complete(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            errors.add(error);
            terminal.complete(error);
        }
    }

    @BeforeEach
    void startServer() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
        model = AnthropicStreamingChatModel.builder()
                .baseUrl("http://127.0.0.1:" + server.getPort() + "/v1/")
                .apiKey("test")
                .modelName("claude-sonnet-4-5")
                .build();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private void enqueueTranscript(String name) throws IOException {
        String body;
        try (InputStream in = getClass().getResourceAsStream("/transcripts/" + name)) {
            assertThat(in).as("test resource /transcripts/" + name).isNotNull();
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build());
    }

    @Test
    void errorMidStreamClassifiedAsOverloaded() throws Exception {
        enqueueTranscript("anthropic-error-mid-stream.sse");
        RecordingHandler handler = new RecordingHandler();

        model.chat(ChatRequest.builder().messages(UserMessage.from("Check the weather")).build(), handler);
        handler.terminal.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(handler.responses).isEmpty();
        assertThat(handler.errors).hasSize(1);
        // ModelErrors matches this class by its simple name, so a rename in LangChain4j shows here.
        assertThat(handler.errors.getFirst().getClass().getSimpleName()).isEqualTo("AnthropicStreamingException");
        String partial = String.join("", handler.partials);
        assertThat(partial).isEqualTo("Let me check");

        ModelException classified = ModelErrors.classify(handler.errors.getFirst(), partial);

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_OVERLOADED);
        assertThat(classified.retryable()).isTrue();
        assertThat(classified.partialText()).isEqualTo("Let me check");
    }

    @Test
    void toolUseStreamGivesToolCall() throws Exception {
        enqueueTranscript("anthropic-tool-use.sse");
        RecordingHandler handler = new RecordingHandler();
        ToolSpecification weather = ToolSpecification.builder()
                .name("get_weather")
                .description("Current weather for a city")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build())
                .build();
        ChatRequest request = ChatRequest.builder()
                .messages(UserMessage.from("Weather in Oslo?"))
                .toolSpecifications(weather)
                .build();

        model.chat(request, handler);
        handler.terminal.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(handler.errors).isEmpty();
        assertThat(handler.responses).hasSize(1);
        ChatResponse response = handler.responses.getFirst();
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(response.aiMessage().text()).isEqualTo("Let me check the weather.");
        List<ToolExecutionRequest> calls = response.aiMessage().toolExecutionRequests();
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().id()).isEqualTo("toolu_01");
        assertThat(calls.getFirst().name()).isEqualTo("get_weather");
        assertThat(calls.getFirst().arguments()).isEqualToIgnoringWhitespace("{\"city\":\"Oslo\"}");
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(40);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(30);
    }
}
