package dev.agentforge.server.agui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunStatus;
import dev.agentforge.server.AgentServer;
import dev.agentforge.server.interop.InteropAgents;
import dev.agentforge.transport.SseParser;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /v1/agui} on a real {@link AgentServer}. */
class AgUiRoutesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final InteropAgents agents = new InteropAgents();
    private AgentServer server;
    private HttpClient client;

    @BeforeEach
    void start() {
        server = AgentServer.create(agents.agent()).port(0).start();
        client = HttpClient.newBuilder().connectTimeout(WAIT).build();
    }

    @AfterEach
    void stop() {
        agents.openGate();
        server.stop();
        client.close();
    }

    @Test
    void streamsRunAsAgUiEvents() throws Exception {
        HttpResponse<String> response = post(input("calculate 1 + 2"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        String runId = response.headers().firstValue(AgUiRoutes.RUN_ID_HEADER).orElseThrow();
        List<JsonNode> events = parse(response.body());
        assertThat(events.getFirst().path("type").asString()).isEqualTo("RUN_STARTED");
        assertThat(events.getFirst().path("threadId").asString()).isEqualTo("thread-1");
        assertThat(events.getFirst().path("runId").asString()).isEqualTo("client-run-1");
        assertThat(events.getLast().path("type").asString()).isEqualTo("RUN_FINISHED");
        assertThat(events.getLast().path("result").asString()).isEqualTo("The result is 3.");
        assertThat(server.runRegistry().find(runId).orElseThrow().request().input()).isEqualTo("calculate 1 + 2");
    }

    @Test
    void lastUserMessageIsInput() throws Exception {
        String body = """
                {"threadId": "t", "runId": "r", "messages": [
                  {"id": "1", "role": "user", "content": "calculate 9 - 9"},
                  {"id": "2", "role": "assistant", "content": "The result is 0."},
                  {"id": "3", "role": "user", "content": [{"type": "text", "text": "calculate"}, {"type": "text", "text": "2 * 4"}]}
                ], "tools": [], "context": [{"description": "d", "value": "v"}], "state": {"a": 1}, "forwardedProps": {}}
                """;
        HttpResponse<String> response = post(body);

        assertThat(response.statusCode()).isEqualTo(200);
        String runId = response.headers().firstValue(AgUiRoutes.RUN_ID_HEADER).orElseThrow();
        assertThat(server.runRegistry().find(runId).orElseThrow().request().input()).isEqualTo("calculate\n2 * 4");
    }

    @Test
    void invalidInputsAreRejected() throws Exception {
        assertError(post("{\"runId\": \"r\", \"messages\": []}"), 400, "missing_field", "threadId");
        assertError(post("{\"threadId\": 5, \"runId\": \"r\", \"messages\": []}"), 400, "invalid_field", "threadId");
        assertError(post("{\"threadId\": \"t\", \"runId\": \"r\"}"), 400, "missing_field", "messages");
        assertError(post("{\"threadId\": \"t\", \"runId\": \"r\", \"messages\": []}"), 400, "invalid_field", "messages");
        assertError(post("{\"threadId\": \"t\", \"runId\": \"r\", \"messages\": [], \"tools\": {}}"), 400,
                "invalid_field", "tools");
        assertError(post("{\"threadId\": \"t\", \"runId\": \"r\", \"messages\": [{\"id\": \"1\", \"role\": \"user\","
                + " \"content\": [{\"type\": \"image\", \"url\": \"x\"}]}]}"), 400, "invalid_field", "messages");
        assertError(post("not json"), 400, "invalid_json", null);
        assertThat(server.runRegistry().runs()).isEmpty();
    }

    @Test
    void getIsNotAllowed() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/agui"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void disconnectCancelsRun() throws Exception {
        server.stop();
        server = AgentServer.create(agents.agent()).port(0).heartbeat(Duration.ofMillis(100)).start();
        HttpResponse<InputStream> response = client.send(request(input("a gated run")),
                HttpResponse.BodyHandlers.ofInputStream());
        String runId = response.headers().firstValue(AgUiRoutes.RUN_ID_HEADER).orElseThrow();
        assertThat(agents.gateReached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        AgentRun run = server.runRegistry().find(runId).orElseThrow();

        // The server notices the closed connection when a heartbeat write fails.
        response.body().close();

        await().atMost(WAIT).until(() -> run.status().finished());
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS).cancelReason())
                .contains("AG-UI client disconnected");
    }

    @Test
    void serverStopEndsStreamWithRunError() throws Exception {
        HttpResponse<InputStream> response = client.send(request(input("a gated run")),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(agents.gateReached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        Thread stopper = Thread.ofVirtual().start(server::stop);
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        stopper.join(WAIT);

        List<JsonNode> events = parse(body);
        JsonNode last = events.getLast();
        assertThat(last.path("type").asString()).isEqualTo("RUN_ERROR");
        assertThat(last.path("code").asString()).isEqualTo(AgUiStream.STREAM_CLOSED_CODE);
        assertThat(last.path("message").asString()).contains("the server is stopping");
        assertThat(events).extracting(event -> event.path("type").asString()).contains("TOOL_CALL_END");
    }

    private static String input(String text) {
        return JSON.writeValueAsString(java.util.Map.of("threadId", "thread-1", "runId", "client-run-1",
                "messages", List.of(java.util.Map.of("id", "m1", "role", "user", "content", text))));
    }

    private HttpRequest request(String body) {
        return HttpRequest.newBuilder(URI.create(server.url() + "/v1/agui"))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return client.send(request(body), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String code, String field) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("code").asString()).as("code of %s", response.body()).isEqualTo(code);
        if (field != null) {
            assertThat(error.path("field").asString()).as("field of %s", response.body()).isEqualTo(field);
        }
    }

    private static List<JsonNode> parse(String body) {
        List<JsonNode> events = new ArrayList<>();
        SseParser parser = new SseParser(event -> events.add(JSON.readTree(event.data())));
        parser.feed(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return events;
    }
}
