package dev.agentforge.examples.demo;

import static dev.agentforge.examples.demo.DemoHttp.data;
import static dev.agentforge.examples.demo.DemoHttp.tokens;
import static dev.agentforge.examples.demo.DemoHttp.types;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.agent.Agent;
import dev.agentforge.model.openai.OpenAiCompatibleChatModel;
import dev.agentforge.server.AgentServer;
import dev.agentforge.tool.Tool;
import dev.agentforge.transport.SseEvent;
import dev.langchain4j.model.chat.StreamingChatModel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs the demo service against a local MockWebServer that replays streamed responses in the
 * OpenAI chat completions and Anthropic Messages wire formats, and reads the run over SSE.
 */
class ProviderStreamsTest {

    private MockWebServer provider;
    private DemoService.Handle demo;
    private DemoHttp http;

    @BeforeEach
    void startProvider() throws IOException {
        provider = new MockWebServer();
        provider.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stopAll() {
        if (http != null) {
            http.close();
        }
        if (demo != null) {
            demo.stop();
        }
        provider.close();
    }

    private void startOpenAiDemo() {
        startDemo(Map.of("AGENTFORGE_MODEL", "openai:gpt-4o-mini", "OPENAI_API_KEY", "test",
                "OPENAI_BASE_URL", baseUrl() + "/v1"));
    }

    private void startAnthropicDemo() {
        startDemo(Map.of("AGENTFORGE_MODEL", "anthropic:claude-sonnet-4-5", "ANTHROPIC_API_KEY", "test",
                "ANTHROPIC_BASE_URL", baseUrl() + "/v1/"));
    }

    private void startDemo(Map<String, String> env) {
        java.util.Map<String, String> all = new java.util.HashMap<>(env);
        all.put("PORT", "0");
        demo = DemoService.start(all);
        http = new DemoHttp(demo.url());
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + provider.getPort();
    }

    private void enqueueStream(String body) {
        provider.enqueue(new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build());
    }

    private void enqueueTranscript(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/transcripts/" + name)) {
            assertThat(in).as("test resource /transcripts/%s", name).isNotNull();
            enqueueStream(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    // ---- OpenAI chat completions ----

    private static String openAiChunk(String delta, String finishReason) {
        return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1764800000,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}\n\n";
    }

    private static final String OPENAI_USAGE_AND_DONE = "data: {\"id\":\"chatcmpl-1\",\"object\":"
            + "\"chat.completion.chunk\",\"created\":1764800000,\"model\":\"gpt-4o-mini\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":10,\"total_tokens\":60}}\n\n"
            + "data: [DONE]\n\n";

    private static final String OPENAI_CALCULATOR_TURN =
            openAiChunk("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_calc\","
                    + "\"type\":\"function\",\"function\":{\"name\":\"calculator\",\"arguments\":\"\"}}]}", null)
            + openAiChunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"expression\\\":\"}}]}", null)
            + openAiChunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\" \\\"6 * 7\\\"}\"}}]}", null)
            + openAiChunk("{}", "tool_calls")
            + OPENAI_USAGE_AND_DONE;

    private static final String OPENAI_ANSWER_TURN =
            openAiChunk("{\"role\":\"assistant\",\"content\":\"The answer\"}", null)
            + openAiChunk("{\"content\":\" is 42.\"}", null)
            + openAiChunk("{}", "stop")
            + OPENAI_USAGE_AND_DONE;

    @Test
    void openAiToolCallThenAnswer() throws Exception {
        enqueueStream(OPENAI_CALCULATOR_TURN);
        enqueueStream(OPENAI_ANSWER_TURN);
        startOpenAiDemo();

        List<SseEvent> events = http.run("What is 6 times 7?");

        assertThat(types(events)).containsSubsequence("run_started", "action", "observation", "token", "done");
        assertThat(types(events)).doesNotContain("error");
        JsonNode started = data(events, "run_started").getFirst();
        assertThat(started.get("model").asString()).isEqualTo("openai:gpt-4o-mini");
        JsonNode action = data(events, "action").getFirst();
        assertThat(action.get("tool").asString()).isEqualTo("calculator");
        assertThat(DemoHttp.JSON.readTree(action.get("arguments").asString()).get("expression").asString())
                .isEqualTo("6 * 7");
        JsonNode observation = data(events, "observation").getFirst();
        assertThat(observation.get("callId").asString()).isEqualTo("call_calc");
        assertThat(observation.has("error")).as("observation %s", observation).isFalse();
        assertThat(observation.get("result").asString()).contains("42");
        assertThat(tokens(events)).isEqualTo("The answer is 42.");
        assertThat(data(events, "done").getFirst().get("answer").asString()).isEqualTo("The answer is 42.");

        RecordedRequest first = provider.takeRequest(10, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.getTarget()).isEqualTo("/v1/chat/completions");
        assertThat(first.getHeaders().get("Authorization")).isEqualTo("Bearer test");
        JsonNode firstBody = DemoHttp.JSON.readTree(first.getBody().utf8());
        assertThat(firstBody.get("model").asString()).isEqualTo("gpt-4o-mini");
        assertThat(firstBody.get("stream").asBoolean()).isTrue();
        RecordedRequest second = provider.takeRequest(10, TimeUnit.SECONDS);
        assertThat(second).isNotNull();
        assertThat(second.getBody().utf8()).contains("call_calc");
    }

    @Test
    void openAiWithoutKeySendsNoAuthorization() throws Exception {
        enqueueStream(OPENAI_ANSWER_TURN);
        startDemo(Map.of("AGENTFORGE_MODEL", "openai:llama3.1", "OPENAI_BASE_URL", baseUrl() + "/v1"));

        List<SseEvent> events = http.run("Say the answer");

        assertThat(types(events).getLast()).isEqualTo("done");
        RecordedRequest request = provider.takeRequest(10, TimeUnit.SECONDS);
        assertThat(request).isNotNull();
        assertThat(request.getHeaders().get("Authorization")).isNull();
        assertThat(DemoHttp.JSON.readTree(request.getBody().utf8()).get("model").asString()).isEqualTo("llama3.1");
    }

    @Test
    void openAiErrorMidStreamKeepsPartialText() throws Exception {
        enqueueTranscript("openai-error-mid-stream.sse");
        startOpenAiDemo();

        List<SseEvent> events = http.run("Say hello");

        assertThat(types(events)).doesNotContain("done");
        assertThat(types(events).getLast()).isEqualTo("error");
        JsonNode error = data(events, "error").getFirst();
        assertThat(error.get("partialText").asString()).isEqualTo("Hello, wor");
        assertThat(error.get("fatal").asBoolean()).isTrue();
        assertThat(tokens(events)).isEqualTo("Hello, wor");
    }

    @Test
    void openAiTruncatedStreamIsIncomplete() throws Exception {
        enqueueTranscript("openai-truncated.sse");
        startOpenAiDemo();

        List<SseEvent> events = http.run("What is the total?");

        assertThat(types(events)).doesNotContain("done");
        assertThat(types(events).getLast()).isEqualTo("error");
        JsonNode error = data(events, "error").getFirst();
        assertThat(error.get("code").asString()).isEqualTo("incomplete_response");
        assertThat(error.get("partialText").asString()).isEqualTo("The total is 12");
    }

    @Test
    void openAiParallelToolDeltasGiveTwoActions() throws Exception {
        enqueueTranscript("openai-parallel-tool-deltas.sse");
        enqueueStream(openAiChunk("{\"role\":\"assistant\",\"content\":\"Sunny, 12:00 UTC.\"}", null)
                + openAiChunk("{}", "stop") + OPENAI_USAGE_AND_DONE);
        OpenAiCompatibleChatModel model = OpenAiCompatibleChatModel.builder()
                .baseUrl(baseUrl() + "/v1")
                .apiKey("test")
                .modelName("gpt-4o-mini")
                .build();
        Agent agent = Agent.builder()
                .model((StreamingChatModel) model)
                .modelName("openai:gpt-4o-mini")
                .tools(fixedTool("get_weather", "city", "Sunny in Oslo"), fixedTool("get_time", "tz", "12:00 UTC"))
                .build();

        try (AgentServer server = AgentServer.create(agent).port(0).start();
                DemoHttp client = new DemoHttp(server.url())) {
            List<SseEvent> events = client.run("Weather in Oslo and the time in UTC?");

            assertThat(types(events)).doesNotContain("error");
            List<JsonNode> actions = data(events, "action");
            assertThat(actions).hasSize(2);
            assertThat(actions.get(0).get("tool").asString()).isEqualTo("get_weather");
            assertThat(actions.get(0).get("callId").asString()).isEqualTo("call_a");
            assertThat(DemoHttp.JSON.readTree(actions.get(0).get("arguments").asString()).get("city").asString())
                    .isEqualTo("Oslo");
            assertThat(actions.get(1).get("tool").asString()).isEqualTo("get_time");
            assertThat(actions.get(1).get("callId").asString()).isEqualTo("call_b");
            assertThat(DemoHttp.JSON.readTree(actions.get(1).get("arguments").asString()).get("tz").asString())
                    .isEqualTo("UTC");
            List<JsonNode> observations = data(events, "observation");
            assertThat(observations).extracting(o -> o.get("result").asString())
                    .containsExactly("Sunny in Oslo", "12:00 UTC");
            assertThat(types(events).getLast()).isEqualTo("done");
        } finally {
            model.close();
        }
    }

    private static Tool fixedTool(String name, String parameter, String result) {
        return Tool.builder(name)
                .description("Returns a fixed result for tests.")
                .parameters("{\"type\": \"object\", \"properties\": {\"" + parameter + "\": {\"type\": \"string\"}},"
                        + " \"required\": [\"" + parameter + "\"]}")
                .handler((arguments, context) -> result)
                .build();
    }

    // ---- Anthropic Messages ----

    private static String anthropicEvent(String type, String json) {
        return "event: " + type + "\ndata: " + json + "\n\n";
    }

    private static String anthropicMessageStart() {
        return anthropicEvent("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\","
                + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":40,\"output_tokens\":1}}}");
    }

    private static String anthropicMessageEnd(String stopReason) {
        return anthropicEvent("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\""
                + stopReason + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":20}}")
                + anthropicEvent("message_stop", "{\"type\":\"message_stop\"}");
    }

    private static final String ANTHROPIC_CALCULATOR_TURN = anthropicMessageStart()
            + anthropicEvent("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                    + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_calc\",\"name\":\"calculator\",\"input\":{}}}")
            + anthropicEvent("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"expression\\\":\"}}")
            + anthropicEvent("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\" \\\"6 * 7\\\"}\"}}")
            + anthropicEvent("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
            + anthropicMessageEnd("tool_use");

    private static final String ANTHROPIC_ANSWER_TURN = anthropicMessageStart()
            + anthropicEvent("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                    + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
            + anthropicEvent("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"The answer\"}}")
            + anthropicEvent("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\" is 42.\"}}")
            + anthropicEvent("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
            + anthropicMessageEnd("end_turn");

    @Test
    void anthropicToolCallThenAnswer() throws Exception {
        enqueueStream(ANTHROPIC_CALCULATOR_TURN);
        enqueueStream(ANTHROPIC_ANSWER_TURN);
        startAnthropicDemo();

        List<SseEvent> events = http.run("What is 6 times 7?");

        assertThat(types(events)).containsSubsequence("run_started", "action", "observation", "token", "done");
        assertThat(types(events)).doesNotContain("error");
        assertThat(data(events, "run_started").getFirst().get("model").asString())
                .isEqualTo("anthropic:claude-sonnet-4-5");
        JsonNode action = data(events, "action").getFirst();
        assertThat(action.get("tool").asString()).isEqualTo("calculator");
        assertThat(action.get("callId").asString()).isEqualTo("toolu_calc");
        assertThat(DemoHttp.JSON.readTree(action.get("arguments").asString()).get("expression").asString())
                .isEqualTo("6 * 7");
        JsonNode observation = data(events, "observation").getFirst();
        assertThat(observation.has("error")).as("observation %s", observation).isFalse();
        assertThat(observation.get("result").asString()).contains("42");
        assertThat(tokens(events)).isEqualTo("The answer is 42.");
        assertThat(data(events, "done").getFirst().get("answer").asString()).isEqualTo("The answer is 42.");

        RecordedRequest first = provider.takeRequest(10, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.getTarget()).isEqualTo("/v1/messages");
        assertThat(first.getHeaders().get("x-api-key")).isEqualTo("test");
        RecordedRequest second = provider.takeRequest(10, TimeUnit.SECONDS);
        assertThat(second).isNotNull();
        assertThat(second.getBody().utf8()).contains("toolu_calc");
    }

    @Test
    void anthropicErrorMidStreamIsRetryableOverload() throws Exception {
        enqueueTranscript("anthropic-error-mid-stream.sse");
        startAnthropicDemo();

        List<SseEvent> events = http.run("Check the weather");

        assertThat(types(events)).doesNotContain("done");
        assertThat(types(events).getLast()).isEqualTo("error");
        JsonNode error = data(events, "error").getFirst();
        assertThat(error.get("code").asString()).isEqualTo("model_overloaded");
        assertThat(error.get("retryable").asBoolean()).isTrue();
        assertThat(error.get("partialText").asString()).isEqualTo("Let me check");
    }
}
