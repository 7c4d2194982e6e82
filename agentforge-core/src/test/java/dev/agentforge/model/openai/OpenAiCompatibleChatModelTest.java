package dev.agentforge.model.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.event.ErrorCodes;
import dev.agentforge.model.ModelException;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.FinishReason;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OpenAiCompatibleChatModelTest {

    private static final long WAIT_SECONDS = 10;
    private static final String HELLO_CHUNK = "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n";

    private final JsonMapper mapper = JsonMapper.builder().build();
    private final CountDownLatch releaseStalledBodies = new CountDownLatch(1);
    private MockWebServer server;
    private OpenAiCompatibleChatModel model;

    @BeforeEach
    void startServer() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
        model = modelBuilder().apiKey("sk-test").build();
    }

    @AfterEach
    void stopServer() {
        releaseStalledBodies.countDown();
        model.close();
        server.close();
    }

    private OpenAiCompatibleChatModel.Builder modelBuilder() {
        return OpenAiCompatibleChatModel.builder()
                .baseUrl("http://127.0.0.1:" + server.getPort() + "/v1")
                .modelName("gpt-4o-mini");
    }

    private static String transcript(String name) throws IOException {
        try (InputStream in = OpenAiCompatibleChatModelTest.class.getResourceAsStream("/transcripts/" + name)) {
            assertThat(in).as("test resource /transcripts/" + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static MockResponse sse(String body) {
        return new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build();
    }

    // Sends the first part of the body, then keeps the response open until the test ends.
    private MockResponse stalledSse(String firstPart) {
        MockResponseBody body = new MockResponseBody() {
            @Override
            public long getContentLength() {
                return -1;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.writeUtf8(firstPart);
                sink.flush();
                try {
                    releaseStalledBodies.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        return new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build();
    }

    private static ChatRequest userRequest(String text) {
        return ChatRequest.builder().messages(UserMessage.from(text)).build();
    }

    private static void awaitFinished(StreamingHandle handle) throws Exception {
        ((ChatCompletionCall) handle).finished().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private RecordingHandler streamAndWait(ChatRequest request) throws Exception {
        RecordingHandler handler = new RecordingHandler();
        awaitFinished(model.stream(request, handler));
        return handler;
    }

    private static ModelException singleError(RecordingHandler handler) {
        assertThat(handler.responses).isEmpty();
        assertThat(handler.errors).hasSize(1);
        assertThat(handler.errors.getFirst()).isInstanceOf(ModelException.class);
        return (ModelException) handler.errors.getFirst();
    }

    @Test
    void parallelToolCallDeltas() throws Exception {
        server.enqueue(sse(transcript("openai-parallel-tool-deltas.sse")));

        RecordingHandler handler = streamAndWait(userRequest("Weather and time?"));

        assertThat(handler.errors).isEmpty();
        assertThat(handler.responses).hasSize(1);
        ChatResponse response = handler.responses.getFirst();
        List<ToolExecutionRequest> calls = response.aiMessage().toolExecutionRequests();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).id()).isEqualTo("call_a");
        assertThat(calls.get(0).name()).isEqualTo("get_weather");
        assertThat(calls.get(0).arguments()).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(calls.get(1).id()).isEqualTo("call_b");
        assertThat(calls.get(1).name()).isEqualTo("get_time");
        assertThat(calls.get(1).arguments()).isEqualTo("{\"tz\":\"UTC\"}");
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(52);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(31);
        assertThat(response.tokenUsage().totalTokenCount()).isEqualTo(83);
        assertThat(response.id()).isEqualTo("chatcmpl-7");
        assertThat(response.modelName()).isEqualTo("gpt-4o-mini");
        assertThat(response.aiMessage().text()).isNull();
    }

    @Test
    void errorMidStreamKeepsPartialText() throws Exception {
        server.enqueue(sse(transcript("openai-error-mid-stream.sse")));

        RecordingHandler handler = streamAndWait(userRequest("Say hello"));

        ModelException error = singleError(handler);
        assertThat(error.code()).isEqualTo(ErrorCodes.MODEL_ERROR);
        assertThat(error.retryable()).isTrue();
        assertThat(error.partialText()).isEqualTo("Hello, wor");
        assertThat(error.getMessage()).contains("The server had an error while processing your request.");
        assertThat(handler.partialText()).isEqualTo("Hello, wor");
    }

    @Test
    void truncatedStreamIsIncomplete() throws Exception {
        server.enqueue(sse(transcript("openai-truncated.sse")));

        RecordingHandler handler = streamAndWait(userRequest("Add up"));

        ModelException error = singleError(handler);
        assertThat(error.code()).isEqualTo(ErrorCodes.INCOMPLETE_RESPONSE);
        assertThat(error.partialText()).isEqualTo("The total is 12");
        assertThat(error.getMessage()).contains("finish_reason").contains("[DONE]");
    }

    @Test
    void finishReasonWithoutDoneIsIncomplete() throws Exception {
        server.enqueue(sse(HELLO_CHUNK
                + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"));

        RecordingHandler handler = streamAndWait(userRequest("Hi"));

        ModelException error = singleError(handler);
        assertThat(error.code()).isEqualTo(ErrorCodes.INCOMPLETE_RESPONSE);
        assertThat(error.partialText()).isEqualTo("Hello");
    }

    @Test
    void doneWithoutFinishReasonIsIncomplete() throws Exception {
        server.enqueue(sse(HELLO_CHUNK + "data: [DONE]\n\n"));

        RecordingHandler handler = streamAndWait(userRequest("Hi"));

        ModelException error = singleError(handler);
        assertThat(error.code()).isEqualTo(ErrorCodes.INCOMPLETE_RESPONSE);
        assertThat(error.getMessage()).contains("finish_reason");
    }

    @Test
    void textAndReasoningStream() throws Exception {
        server.enqueue(sse(""
                + "data: {\"id\":\"c2\",\"model\":\"qwen3\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                + "\"reasoning_content\":\"Think\"},\"finish_reason\":null}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"ing.\"},\"finish_reason\":null}]}\n\n"
                + ": keep-alive\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi \"},\"finish_reason\":null}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"there\"},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: [DONE]\n\n"));

        RecordingHandler handler = streamAndWait(userRequest("Hi"));

        assertThat(handler.errors).isEmpty();
        assertThat(handler.partials).containsExactly("Hi ", "there");
        assertThat(handler.thinking).containsExactly("Think", "ing.");
        ChatResponse response = handler.responses.getFirst();
        assertThat(response.aiMessage().text()).isEqualTo("Hi there");
        assertThat(response.aiMessage().thinking()).isEqualTo("Thinking.");
        assertThat(response.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.tokenUsage()).isNull();
    }

    @Test
    void finishReasonMapping() {
        assertThat(ChatCompletionStream.finishReason("stop")).isEqualTo(FinishReason.STOP);
        assertThat(ChatCompletionStream.finishReason("length")).isEqualTo(FinishReason.LENGTH);
        assertThat(ChatCompletionStream.finishReason("tool_calls")).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(ChatCompletionStream.finishReason("function_call")).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(ChatCompletionStream.finishReason("content_filter")).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(ChatCompletionStream.finishReason("something_new")).isEqualTo(FinishReason.OTHER);
    }

    @Test
    void requestBodyShape() throws Exception {
        server.enqueue(sse(transcript("openai-parallel-tool-deltas.sse")));
        ToolSpecification weather = ToolSpecification.builder()
                .name("get_weather")
                .description("Current weather for a city")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("city", "City name")
                        .required("city")
                        .build())
                .build();
        ToolSpecification time = ToolSpecification.builder().name("get_time").build();
        ToolExecutionRequest earlierCall = ToolExecutionRequest.builder()
                .id("call_1").name("get_weather").arguments("{\"city\":\"Bergen\"}").build();
        ChatRequest request = ChatRequest.builder()
                .messages(
                        SystemMessage.from("Be brief."),
                        UserMessage.from("Weather in Bergen?"),
                        AiMessage.from(earlierCall),
                        ToolExecutionResultMessage.from(earlierCall, "Rain, 9 C"),
                        AiMessage.from("It rains."),
                        UserMessage.from("And Oslo?"))
                .toolSpecifications(weather, time)
                .temperature(0.2)
                .build();
        OpenAiCompatibleChatModel withHeader = modelBuilder().apiKey("sk-test").header("X-Tenant", "t1").build();

        RecordingHandler handler = new RecordingHandler();
        awaitFinished(withHeader.stream(request, handler));
        withHeader.close();
        RecordedRequest recorded = server.takeRequest(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(handler.errors).isEmpty();
        assertThat(recorded.getMethod()).isEqualTo("POST");
        assertThat(recorded.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(recorded.getHeaders().get("Authorization")).isEqualTo("Bearer sk-test");
        assertThat(recorded.getHeaders().get("X-Tenant")).isEqualTo("t1");
        assertThat(recorded.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(recorded.getHeaders().get("Accept")).isEqualTo("text/event-stream");

        JsonNode body = mapper.readTree(recorded.getBody().utf8());
        assertThat(body.path("model").stringValue()).isEqualTo("gpt-4o-mini");
        assertThat(body.path("stream").booleanValue()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").booleanValue()).isTrue();
        assertThat(body.path("temperature").doubleValue()).isEqualTo(0.2);

        JsonNode messages = body.path("messages");
        assertThat(messages.size()).isEqualTo(6);
        assertThat(messages.get(0).toString()).isEqualTo("{\"role\":\"system\",\"content\":\"Be brief.\"}");
        assertThat(messages.get(1).toString()).isEqualTo("{\"role\":\"user\",\"content\":\"Weather in Bergen?\"}");
        assertThat(messages.get(2).toString()).isEqualTo("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
                + "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Bergen\\\"}\"}}]}");
        assertThat(messages.get(3).toString())
                .isEqualTo("{\"role\":\"tool\",\"content\":\"Rain, 9 C\",\"tool_call_id\":\"call_1\"}");
        assertThat(messages.get(4).toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"It rains.\"}");

        JsonNode tools = body.path("tools");
        assertThat(tools.size()).isEqualTo(2);
        assertThat(tools.get(0).toString()).isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"description\":\"Current weather for a city\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\",\"description\":\"City name\"}},"
                + "\"required\":[\"city\"]}}}");
        assertThat(tools.get(1).toString()).isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"get_time\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{}}}}");
    }

    @Test
    void noAuthorizationWithoutApiKey() throws Exception {
        server.enqueue(sse(transcript("openai-parallel-tool-deltas.sse")));
        OpenAiCompatibleChatModel keyless = modelBuilder().build();

        RecordingHandler handler = new RecordingHandler();
        awaitFinished(keyless.stream(userRequest("Hi"), handler));
        keyless.close();
        RecordedRequest recorded = server.takeRequest(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(recorded.getHeaders().get("Authorization")).isNull();
        assertThat(handler.errors).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "401, model_authentication_failed, false",
        "403, model_authentication_failed, false",
        "429, model_rate_limited, true",
        "400, model_bad_request, false",
        "404, model_bad_request, false",
        "422, model_bad_request, false",
        "500, model_error, true",
        "502, model_error, true",
        "503, model_overloaded, true",
        "504, model_error, true",
        "529, model_overloaded, true",
    })
    void httpErrorStatusMapping(int status, String code, boolean retryable) throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(status)
                .setHeader("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"Provider says no\",\"type\":\"some_type\"}}")
                .build());

        RecordingHandler handler = streamAndWait(userRequest("Hi"));

        ModelException error = singleError(handler);
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.retryable()).isEqualTo(retryable);
        assertThat(error.getMessage()).contains("HTTP " + status).contains("Provider says no");
        assertThat(error.getMessage()).contains("/v1/chat/completions");
        assertThat(error.getMessage()).doesNotContain("sk-test");
    }

    @Test
    void insufficientQuotaNotRetryable() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .body("{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\","
                        + "\"code\":\"insufficient_quota\"}}")
                .build());

        RecordingHandler handler = streamAndWait(userRequest("Hi"));

        ModelException error = singleError(handler);
        assertThat(error.code()).isEqualTo(ErrorCodes.MODEL_RATE_LIMITED);
        assertThat(error.retryable()).isFalse();
    }

    @Test
    void nonJsonErrorBodyQuoted() throws Exception {
        server.enqueue(new MockResponse.Builder().code(502).body("Bad gateway from proxy").build());

        RecordingHandler handler = streamAndWait(userRequest("Hi"));

        ModelException error = singleError(handler);
        assertThat(error.code()).isEqualTo(ErrorCodes.MODEL_ERROR);
        assertThat(error.getMessage()).contains("Bad gateway from proxy");
    }

    @Test
    void jsonErrorWithStatus200() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"Upstream overloaded\",\"type\":\"overloaded_error\"}}")
                .build());

        RecordingHandler handler = streamAndWait(userRequest("Hi"));

        ModelException error = singleError(handler);
        assertThat(error.code()).isEqualTo(ErrorCodes.MODEL_OVERLOADED);
        assertThat(error.retryable()).isTrue();
        assertThat(error.getMessage()).contains("Upstream overloaded");
    }

    @Test
    void jsonCompletionInsteadOfStream() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "application/json")
                .body("{\"id\":\"c9\",\"choices\":[{\"index\":0,\"message\":{\"content\":\"Hi\"}}]}")
                .build());

        RecordingHandler handler = streamAndWait(userRequest("Hi"));

        ModelException error = singleError(handler);
        assertThat(error.code()).isEqualTo(ErrorCodes.MODEL_ERROR);
        assertThat(error.getMessage()).contains("instead of an event stream");
    }

    @Test
    void invalidJsonChunkIsModelError() throws Exception {
        server.enqueue(sse(HELLO_CHUNK + "data: {not json\n\n"));

        RecordingHandler handler = streamAndWait(userRequest("Hi"));

        ModelException error = singleError(handler);
        assertThat(error.code()).isEqualTo(ErrorCodes.MODEL_ERROR);
        assertThat(error.partialText()).isEqualTo("Hello");
        assertThat(error.getMessage()).contains("{not json");
    }

    @Test
    void blockingChatReturnsResponse() throws Exception {
        server.enqueue(sse(transcript("openai-parallel-tool-deltas.sse")));

        ChatResponse response = model.chat(userRequest("Weather and time?"));

        assertThat(response.aiMessage().toolExecutionRequests())
                .extracting(ToolExecutionRequest::name)
                .containsExactly("get_weather", "get_time");
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
    }

    @Test
    void blockingChatThrowsModelException() throws Exception {
        server.enqueue(sse(transcript("openai-truncated.sse")));

        assertThatThrownBy(() -> model.chat(userRequest("Add up")))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.INCOMPLETE_RESPONSE);
                    assertThat(e.partialText()).isEqualTo("The total is 12");
                });
    }

    @Test
    void connectionRefusedIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        OpenAiCompatibleChatModel unreachable = OpenAiCompatibleChatModel.builder()
                .baseUrl("http://127.0.0.1:" + closedPort + "/v1")
                .modelName("m")
                .build();

        RecordingHandler handler = new RecordingHandler();
        awaitFinished(unreachable.stream(userRequest("Hi"), handler));
        unreachable.close();

        ModelException error = singleError(handler);
        assertThat(error.code()).isEqualTo(ErrorCodes.MODEL_UNAVAILABLE);
        assertThat(error.retryable()).isTrue();
        assertThat(error.getMessage()).contains("127.0.0.1:" + closedPort);
    }

    @Test
    void cancelAbortsStalledStream() throws Exception {
        server.enqueue(stalledSse(HELLO_CHUNK));
        RecordingHandler handler = new RecordingHandler();

        StreamingHandle handle = model.stream(userRequest("Hi"), handler);
        handler.firstPartial.get(WAIT_SECONDS, TimeUnit.SECONDS);
        handle.cancel();
        awaitFinished(handle);

        assertThat(handle.isCancelled()).isTrue();
        assertThat(handler.partials).containsExactly("Hello");
        assertThat(handler.errors).isEmpty();
        assertThat(handler.responses).isEmpty();
    }

    @Test
    void cancelFromPartialResponseContext() throws Exception {
        server.enqueue(stalledSse(HELLO_CHUNK));
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                super.onPartialResponse(partial, context);
                context.streamingHandle().cancel();
            }
        };

        StreamingHandle handle = model.stream(userRequest("Hi"), handler);
        awaitFinished(handle);

        assertThat(handle.isCancelled()).isTrue();
        assertThat(handler.partials).containsExactly("Hello");
        assertThat(handler.errors).isEmpty();
        assertThat(handler.responses).isEmpty();
    }

    @Test
    void interruptCancelsBlockingChat() throws Exception {
        server.enqueue(stalledSse(HELLO_CHUNK));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptStatusKept = new AtomicBoolean();

        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                model.chat(userRequest("Hi"));
            } catch (RuntimeException e) {
                thrown.set(e);
                interruptStatusKept.set(Thread.currentThread().isInterrupted());
            }
        });
        server.takeRequest(WAIT_SECONDS, TimeUnit.SECONDS);
        caller.interrupt();
        boolean ended = caller.join(Duration.ofSeconds(WAIT_SECONDS));

        assertThat(ended).isTrue();
        assertThat(thrown.get()).isInstanceOf(CancellationException.class);
        assertThat(thrown.get()).hasMessageContaining("interrupted");
        assertThat(interruptStatusKept).isTrue();
    }

    @Test
    void idleTimeoutClosesStalledStream() throws Exception {
        server.enqueue(stalledSse(HELLO_CHUNK));
        OpenAiCompatibleChatModel impatient = modelBuilder().idleTimeout(Duration.ofMillis(100)).build();

        RecordingHandler handler = new RecordingHandler();
        awaitFinished(impatient.stream(userRequest("Hi"), handler));
        impatient.close();

        ModelException error = singleError(handler);
        assertThat(error.code()).isEqualTo(ErrorCodes.MODEL_UNAVAILABLE);
        assertThat(error.retryable()).isTrue();
        assertThat(error.partialText()).isEqualTo("Hello");
        assertThat(error.getMessage()).contains("idleTimeout");
    }

    @Test
    void handlerExceptionReportedOnce() throws Exception {
        server.enqueue(sse(transcript("openai-truncated.sse")));
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onPartialResponse(String partial) {
                super.onPartialResponse(partial);
                throw new IllegalStateException("handler broke");
            }
        };

        awaitFinished(model.stream(userRequest("Hi"), handler));

        ModelException error = singleError(handler);
        assertThat(error.code()).isEqualTo(ErrorCodes.INTERNAL_ERROR);
        assertThat(error.getMessage()).contains("handler broke");
        assertThat(handler.partials).containsExactly("The total is");
    }

    @Test
    void unsupportedMessageReportedAsBadRequest() {
        ChatRequest request = ChatRequest.builder()
                .messages(UserMessage.from(dev.langchain4j.data.message.AudioContent.from("AAAA", "audio/wav")))
                .build();
        RecordingHandler handler = new RecordingHandler();

        model.stream(request, handler);

        ModelException error = singleError(handler);
        assertThat(error.code()).isEqualTo(ErrorCodes.MODEL_BAD_REQUEST);
        assertThat(error.getMessage()).contains("AUDIO");
    }

    @Test
    void builderRejectsMissingBaseUrl() {
        assertThatThrownBy(() -> OpenAiCompatibleChatModel.builder().modelName("m").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baseUrl is required");
    }

    @Test
    void builderRejectsNonHttpBaseUrl() {
        assertThatThrownBy(() -> OpenAiCompatibleChatModel.builder().baseUrl("ftp://127.0.0.1/v1").modelName("m").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp://127.0.0.1/v1");
    }

    @Test
    void builderRejectsMissingModelName() {
        assertThatThrownBy(() -> OpenAiCompatibleChatModel.builder().baseUrl("http://127.0.0.1:1/v1").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("modelName is required");
    }

    @Test
    void builderRejectsRestrictedHeader() {
        assertThatThrownBy(() -> OpenAiCompatibleChatModel.builder()
                        .baseUrl("http://127.0.0.1:1/v1").modelName("m").header("Host", "x").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Host");
    }

    @Test
    void builderTrimsTrailingSlash() {
        OpenAiCompatibleChatModel built = OpenAiCompatibleChatModel.builder()
                .baseUrl("http://127.0.0.1:1/v1/").modelName("m").build();

        assertThat(built.baseUrl()).isEqualTo("http://127.0.0.1:1/v1");
        assertThat(built.toString()).doesNotContain("apiKey");
        built.close();
    }
}
