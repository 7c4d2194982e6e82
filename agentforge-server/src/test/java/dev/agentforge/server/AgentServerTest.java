package dev.agentforge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentforge.agent.RunRegistry;
import dev.agentforge.event.EventCodec;
import dev.agentforge.monitor.ReadinessContributor;
import dev.agentforge.monitor.ReadinessRegistry;
import dev.agentforge.transport.SseEvent;
import io.javalin.util.JavalinBindException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AgentServerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final TestAgents agents = new TestAgents();
    private final List<AgentServer> servers = new ArrayList<>();
    private HttpClient client;
    private AgentServer server;

    @BeforeEach
    void startServer() {
        client = HttpClient.newBuilder().connectTimeout(WAIT).build();
        server = start(AgentServer.create(agents.agent()).port(0));
    }

    @AfterEach
    void stopServers() {
        servers.forEach(AgentServer::stop);
        client.close();
    }

    private AgentServer start(AgentServer.Builder builder) {
        AgentServer started = builder.start();
        servers.add(started);
        return started;
    }

    // ---- POST /v1/runs and the event stream ----

    @Test
    void postRunReturnsAcceptedWithUrls() throws Exception {
        HttpResponse<String> response = postJson("/v1/runs", "{\"input\": \"hello\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = JSON.readTree(response.body());
        String runId = body.get("runId").asString();
        assertThat(runId).isNotBlank();
        assertThat(body.get("eventsUrl").asString()).isEqualTo("/v1/runs/" + runId + "/events");
        assertThat(body.get("statusUrl").asString()).isEqualTo("/v1/runs/" + runId);
        assertThat(body.get("cancelUrl").asString()).isEqualTo("/v1/runs/" + runId + "/cancel");
        assertThat(response.headers().firstValue("Location")).hasValue("/v1/runs/" + runId);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
    }

    @Test
    void eventStreamDeliversRunInOrder() throws Exception {
        String runId = startRun("echo forty-two");

        try (SseTestClient sse = SseTestClient.open(client, uri("/v1/runs/" + runId + "/events"))) {
            List<SseEvent> events = sse.readToEnd();

            assertThat(sse.statusCode()).isEqualTo(200);
            assertThat(types(events)).containsSubsequence("run_started", "action", "observation", "token", "done");
            assertThat(types(events).getLast()).isEqualTo("done");
            assertThat(types(events)).doesNotContain("error");
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).id()).isEqualTo(runId + ":" + (i + 1));
            }
            JsonNode action = data(events, "action");
            assertThat(action.get("tool").asString()).isEqualTo("echo");
            JsonNode observation = data(events, "observation");
            assertThat(observation.get("result").asString()).isEqualTo("forty-two");
            JsonNode done = data(events, "done");
            assertThat(done.get("answer").asString()).isEqualTo("The echo tool returned forty-two");
            assertThat(EventCodec.fromJson(events.getFirst().data()).type()).isEqualTo("run_started");
        }
    }

    @Test
    void eventStreamSendsSseHeaders() throws Exception {
        String runId = startRun("hello");

        try (SseTestClient sse = SseTestClient.open(client, uri("/v1/runs/" + runId + "/events"))) {
            sse.readToEnd();

            assertThat(sse.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            assertThat(sse.headers().firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(sse.headers().firstValue("X-Accel-Buffering")).hasValue("no");
        }
    }

    @Test
    void eventStreamStartsWithRetryFieldAlone() throws Exception {
        String runId = startRun("hello");

        try (SseTestClient sse = SseTestClient.open(client, uri("/v1/runs/" + runId + "/events"))) {
            List<SseEvent> events = sse.readToEnd();

            long retryMillis = AgentServer.DEFAULT_SSE_RETRY.toMillis();
            assertThat(sse.raw()).startsWith("retry: " + retryMillis + "\n\n");
            assertThat(sse.raw()).containsOnlyOnce("retry:");
            assertThat(events).allSatisfy(event -> {
                assertThat(event.event()).isNotNull();
                assertThat(event.data()).isNotEmpty();
                assertThat(event.retry()).isNull();
            });
        }
    }

    @Test
    void principalIsAnonymous() throws Exception {
        String runId = startRun("hello");

        try (SseTestClient sse = SseTestClient.open(client, uri("/v1/runs/" + runId + "/events"))) {
            JsonNode started = data(sse.readToEnd(), "run_started");
            assertThat(started.get("principal").asString()).isEqualTo("anonymous");
        }
        JsonNode status = JSON.readTree(get("/v1/runs/" + runId).body());
        assertThat(status.get("principal").asString()).isEqualTo("anonymous");
    }

    // ---- GET /v1/runs/{id} ----

    @Test
    void statusOfFinishedRunHasAnswerAndUsage() throws Exception {
        String runId = startRun("hello");
        awaitStatus(runId, "completed");

        HttpResponse<String> response = get("/v1/runs/" + runId);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("runId").asString()).isEqualTo(runId);
        assertThat(body.get("status").asString()).isEqualTo("completed");
        assertThat(body.get("input").asString()).isEqualTo("hello");
        assertThat(body.get("model").asString()).isEqualTo("scripted");
        assertThat(body.get("answer").asString()).isEqualTo("Hello from the scripted model");
        assertThat(body.get("usage").get("outputTokens").asLong()).isPositive();
        assertThat(body.get("startedAt").asString()).isNotBlank();
        assertThat(body.get("finishedAt").asString()).isNotBlank();
        assertThat(body.get("lastSequence").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(body.has("error")).isFalse();
    }

    @Test
    void statusOfWorkingRunIsRunning() throws Exception {
        String runId = startRun("block");
        assertThat(agents.blockStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        JsonNode body = JSON.readTree(get("/v1/runs/" + runId).body());

        assertThat(body.get("status").asString()).isEqualTo("running");
        assertThat(body.get("finishedAt").isNull()).isTrue();
        assertThat(body.has("answer")).isFalse();
    }

    @Test
    void unknownRunIsNotFound() throws Exception {
        for (HttpResponse<String> response : List.of(
                get("/v1/runs/run_missing"),
                get("/v1/runs/run_missing/events"),
                postJson("/v1/runs/run_missing/cancel", ""))) {
            assertError(response, 404, "run_not_found");
            assertThat(message(response)).contains("run_missing");
        }
    }

    // ---- cancellation ----

    @Test
    void cancelStopsWorkingRun() throws Exception {
        String runId = startRun("please block");
        try (SseTestClient sse = SseTestClient.open(client, uri("/v1/runs/" + runId + "/events"))) {
            assertThat(sse.next().event()).isEqualTo("run_started");
            assertThat(agents.blockStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> response = postJson("/v1/runs/" + runId + "/cancel", "");

            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(JSON.readTree(response.body()).get("status").asString()).isEqualTo("cancelled");
            List<SseEvent> rest = sse.readToEnd();
            assertThat(types(rest).getLast()).isEqualTo("cancelled");
            assertThat(types(rest)).doesNotContain("done");
        }
        await().atMost(WAIT).until(() -> agents.blockInterrupted.get() == 1);
        JsonNode status = JSON.readTree(get("/v1/runs/" + runId).body());
        assertThat(status.get("status").asString()).isEqualTo("cancelled");
        assertThat(status.get("cancelReason").asString()).contains("anonymous");
    }

    @Test
    void cancelOfFinishedRunIsConflict() throws Exception {
        String runId = startRun("hello");
        awaitStatus(runId, "completed");

        HttpResponse<String> response = postJson("/v1/runs/" + runId + "/cancel", "");

        assertError(response, 409, "run_finished");
        assertThat(JSON.readTree(response.body()).get("error").get("runStatus").asString()).isEqualTo("completed");
        assertThat(message(response)).contains("completed");
    }

    // ---- Last-Event-ID ----

    @Test
    void lastEventIdResumesAfterSequence() throws Exception {
        String runId = startRun("echo resume");
        awaitStatus(runId, "completed");

        try (SseTestClient sse = SseTestClient.open(client, uri("/v1/runs/" + runId + "/events"),
                Map.of("Last-Event-ID", runId + ":2"))) {
            List<SseEvent> events = sse.readToEnd();

            assertThat(events).isNotEmpty();
            assertThat(events.getFirst().id()).isEqualTo(runId + ":3");
            assertThat(types(events)).doesNotContain("run_started");
            assertThat(types(events).getLast()).isEqualTo("done");
        }
    }

    @Test
    void malformedLastEventIdIsBadRequest() throws Exception {
        String runId = startRun("hello");
        for (String header : List.of("12", runId + ":x", runId + ":-1", "run_other:3")) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/v1/runs/" + runId + "/events"))
                    .header("Last-Event-ID", header).GET().build(), HttpResponse.BodyHandlers.ofString());

            assertError(response, 400, "invalid_last_event_id");
            assertThat(message(response)).contains(header);
        }
    }

    @Test
    void resumeAfterTerminalIsNoContent() throws Exception {
        String runId = startRun("hello");
        awaitStatus(runId, "completed");
        long last = JSON.readTree(get("/v1/runs/" + runId).body()).get("lastSequence").asLong();

        for (long sequence : new long[] {last, last + 5}) {
            HttpResponse<String> response = getWithLastEventId(runId, runId + ":" + sequence);

            assertThat(response.statusCode()).as("status for sequence %d", sequence).isEqualTo(204);
            assertThat(response.body()).as("body for sequence %d", sequence).isEmpty();
            assertThat(response.headers().firstValue("Content-Type")).as("type for sequence %d", sequence).isEmpty();
        }
    }

    @Test
    void lastEventIdBeforeTerminalEventStillStreams() throws Exception {
        String runId = startRun("hello");
        awaitStatus(runId, "completed");
        long last = JSON.readTree(get("/v1/runs/" + runId).body()).get("lastSequence").asLong();

        try (SseTestClient sse = SseTestClient.open(client, uri("/v1/runs/" + runId + "/events"),
                Map.of("Last-Event-ID", runId + ":" + (last - 1)))) {
            List<SseEvent> events = sse.readToEnd();

            assertThat(sse.statusCode()).isEqualTo(200);
            assertThat(events).extracting(SseEvent::id).containsExactly(runId + ":" + last);
        }
    }

    @Test
    void resumeAheadOfRunIsBadRequest() throws Exception {
        String runId = startRun("block");
        assertThat(agents.blockStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> response = getWithLastEventId(runId, runId + ":999");

        assertError(response, 400, "invalid_last_event_id");
        assertThat(message(response)).contains(runId + ":999").contains("ahead of the run's last event");
        server.runRegistry().cancelAll("test finished");
    }

    @Test
    void sequenceTooLargeIsOutOfRange() throws Exception {
        String runId = startRun("hello");

        HttpResponse<String> response = getWithLastEventId(runId, runId + ":99999999999999999999");

        assertError(response, 400, "invalid_last_event_id");
        assertThat(message(response)).contains("out of range");
        assertThat(message(response)).doesNotContain("not a whole number");
    }

    // ---- HEAD ----

    @Test
    void headMatchesGetWithoutBody() throws Exception {
        String runId = startRun("hello");
        awaitStatus(runId, "completed");
        for (String path : List.of("/", "/v1/runs/" + runId, "/v1/runs/nope", "/v1/runs/nope/events",
                "/health/live", "/health/ready", "/nowhere")) {
            HttpResponse<String> get = get(path);
            HttpResponse<String> head = head(path, Map.of());

            assertThat(head.statusCode()).as("HEAD %s", path).isEqualTo(get.statusCode());
            assertThat(head.headers().firstValue("Content-Type")).as("HEAD %s type", path)
                    .isEqualTo(get.headers().firstValue("Content-Type"));
            assertThat(head.body()).as("HEAD %s body", path).isEmpty();
        }
    }

    @Test
    void headOnEventsSendsStreamHeadersWithoutStreaming() throws Exception {
        String runId = startRun("block");
        assertThat(agents.blockStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> response = head("/v1/runs/" + runId + "/events", Map.of());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        assertThat(response.body()).isEmpty();
        assertThat(server.openStreams()).isZero();
        server.runRegistry().cancelAll("test finished");
    }

    @Test
    void headAfterTerminalIsNoContent() throws Exception {
        String runId = startRun("hello");
        awaitStatus(runId, "completed");
        long last = JSON.readTree(get("/v1/runs/" + runId).body()).get("lastSequence").asLong();

        HttpResponse<String> atEnd = head("/v1/runs/" + runId + "/events", Map.of("Last-Event-ID", runId + ":" + last));
        HttpResponse<String> invalid = head("/v1/runs/" + runId + "/events", Map.of("Last-Event-ID", "12"));

        assertThat(atEnd.statusCode()).isEqualTo(204);
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).isEmpty();
    }

    @Test
    void headOnPostOnlyRouteIsNotAllowed() throws Exception {
        HttpResponse<String> response = head("/v1/runs", Map.of());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    }

    // ---- the index ----

    @Test
    void indexListsRoutesAndModel() throws Exception {
        HttpResponse<String> response = get("/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("service").asString()).isEqualTo(AgentServer.DEFAULT_SERVICE_NAME);
        assertThat(body.get("model").asString()).isEqualTo("scripted");
        assertThat(body.get("documentation").asString()).contains("docs/http-api.md");
        List<String> routes = new ArrayList<>();
        for (JsonNode route : body.get("routes")) {
            routes.add(route.get("method").asString() + " " + route.get("url").asString());
            assertThat(route.get("description").asString()).as("description of %s", route).isNotBlank();
        }
        assertThat(routes).containsExactly("GET /", "POST /v1/runs", "GET /v1/runs/{id}", "GET /v1/runs/{id}/events",
                "POST /v1/runs/{id}/cancel", "POST /v1/runs/{id}/input", "GET /v1/ws", "POST /v1/agui", "GET /v1/audit", "GET /v1/audit/verify", "GET /health/live", "GET /health/ready", "GET /health",
                "GET /metrics");
    }

    @Test
    void indexShowsServiceName() throws Exception {
        AgentServer named = start(AgentServer.create(agents.agent()).port(0).serviceName("Shop assistant"));

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(named.url() + "/")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(JSON.readTree(response.body()).get("service").asString()).isEqualTo("Shop assistant");
    }

    // ---- disconnects and heartbeats ----

    @Test
    void clientDisconnectClosesServerStream() throws Exception {
        AgentServer fast = start(AgentServer.create(agents.agent()).port(0).heartbeat(Duration.ofMillis(50)));
        String runId = startRun(fast, "block");
        SseTestClient sse = SseTestClient.open(client, URI.create(fast.url() + "/v1/runs/" + runId + "/events"));
        assertThat(sse.next().event()).isEqualTo("run_started");
        await().atMost(WAIT).until(() -> fast.openStreams() == 1);

        sse.close();

        await().atMost(WAIT).until(() -> fast.openStreams() == 0);
        assertThat(fast.runRegistry().find(runId).orElseThrow().status().finished()).isFalse();
    }

    @Test
    void heartbeatCommentArrivesWhileIdle() throws Exception {
        AgentServer fast = start(AgentServer.create(agents.agent()).port(0).heartbeat(Duration.ofMillis(50)));
        String runId = startRun(fast, "block");

        try (SseTestClient sse = SseTestClient.open(client, URI.create(fast.url() + "/v1/runs/" + runId + "/events"))) {
            assertThat(agents.blockStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            await().atMost(WAIT).until(() -> sse.raw().contains(": keep-alive\n\n"));
            assertThat(sse.ended()).isFalse();
        }
    }

    @Test
    void stopClosesOpenStreams() throws Exception {
        AgentServer own = AgentServer.create(agents.agent()).port(0).start();
        String runId = startRun(own, "block");
        SseTestClient sse = SseTestClient.open(client, URI.create(own.url() + "/v1/runs/" + runId + "/events"));
        assertThat(sse.next().event()).isEqualTo("run_started");

        own.stop();

        sse.readToEnd();
        assertThat(own.openStreams()).isZero();
        assertThat(own.runRegistry().find(runId).orElseThrow().status().name()).isEqualTo("CANCELLED");
    }

    // ---- bad input ----

    @Test
    void malformedJsonIsBadRequestWithLocation() throws Exception {
        HttpResponse<String> response = postJson("/v1/runs", "{\"input\": \"hi\",\n  oops}");

        assertError(response, 400, "invalid_json");
        assertThat(message(response)).contains("line 2");
        assertThat(message(response)).contains("column");
    }

    @Test
    void missingInputIsBadRequest() throws Exception {
        HttpResponse<String> response = postJson("/v1/runs", "{\"question\": \"hi\"}");

        assertError(response, 400, "missing_field");
        assertThat(message(response)).contains("'input'");
        assertThat(JSON.readTree(response.body()).get("error").get("field").asString()).isEqualTo("input");
    }

    @Test
    void invalidInputValuesAreBadRequests() throws Exception {
        record Case(String body, String code) {
        }
        List<Case> cases = List.of(
                new Case("{\"input\": null}", "missing_field"),
                new Case("{\"input\": 42}", "invalid_field"),
                new Case("{\"input\": [\"a\"]}", "invalid_field"),
                new Case("{\"input\": \"   \"}", "invalid_field"),
                new Case("[\"input\"]", "invalid_request"),
                new Case("\"just text\"", "invalid_request"),
                new Case("", "invalid_json"),
                new Case("{\"input\": \"a\"} trailing", "invalid_json"));
        for (Case c : cases) {
            HttpResponse<String> response = postJson("/v1/runs", c.body());

            assertThat(response.statusCode()).as("status for body %s", c.body()).isEqualTo(400);
            assertThat(code(response)).as("code for body %s", c.body()).isEqualTo(c.code());
        }
    }

    @Test
    void wrongContentTypeIsUnsupported() throws Exception {
        HttpResponse<String> textPlain = post("/v1/runs", "{\"input\": \"hi\"}", "text/plain");
        HttpResponse<String> none = client.send(HttpRequest.newBuilder(uri("/v1/runs"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\": \"hi\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertError(textPlain, 415, "unsupported_media_type");
        assertThat(message(textPlain)).contains("text/plain").contains("application/json");
        assertError(none, 415, "unsupported_media_type");
        assertThat(post("/v1/runs", "{\"input\": \"hi\"}", "application/json; charset=utf-8").statusCode())
                .isEqualTo(202);
    }

    @Test
    void contentLengthOverLimitRejectedUpFront() throws Exception {
        String response = RawHttp.exchange(server.port(), """
                POST /v1/runs HTTP/1.1\r
                Host: 127.0.0.1\r
                Content-Type: application/json\r
                Content-Length: 1048577\r
                \r
                """);

        assertThat(response).startsWith("HTTP/1.1 413");
        assertThat(response).contains("\"code\":\"body_too_large\"");
        assertThat(response).contains("1048576").contains("AGENTFORGE_MAX_BODY_BYTES");
    }

    @Test
    void chunkedBodyOverLimitIsRejected() throws Exception {
        AgentServer small = start(AgentServer.create(agents.agent()).port(0).maxBodyBytes(1000));
        String chunk = "a".repeat(800);
        String chunkSize = Integer.toHexString(chunk.length());
        // The final zero-length chunk is never sent: the server must stop on the count alone.
        String response = RawHttp.exchange(small.port(), "POST /v1/runs HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + chunkSize + "\r\n" + chunk + "\r\n"
                + chunkSize + "\r\n" + chunk + "\r\n");

        assertThat(response).startsWith("HTTP/1.1 413");
        assertThat(response).contains("\"code\":\"body_too_large\"").contains("1000");
        assertThat(small.runRegistry().runs()).isEmpty();
    }

    @Test
    void chunkedBodyWithinLimitIsAccepted() throws Exception {
        byte[] body = "{\"input\": \"hello\"}".getBytes();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/v1/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void bodyOverSmallLimitIsRejected() throws Exception {
        AgentServer small = start(AgentServer.create(agents.agent()).port(0).maxBodyBytes(100));
        String body = "{\"input\": \"" + "x".repeat(200) + "\"}";

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(small.url() + "/v1/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertError(response, 413, "body_too_large");
        assertThat(JSON.readTree(response.body()).get("error").get("limitBytes").asLong()).isEqualTo(100);
    }

    @Test
    void wrongMethodIsNotAllowed() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/v1/runs")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> getRuns = get("/v1/runs");

        assertError(response, 405, "method_not_allowed");
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        assertError(getRuns, 405, "method_not_allowed");
        assertThat(message(getRuns)).contains("POST");
    }

    @Test
    void unknownRouteIsNotFound() throws Exception {
        HttpResponse<String> response = get("/v2/nothing");

        assertError(response, 404, "not_found");
        assertThat(message(response)).contains("/v2/nothing");
    }

    @Test
    void tooManyRunsIsUnavailableWithRetryAfter() throws Exception {
        RunRegistry oneRun = new RunRegistry(Duration.ofMinutes(1), 1, Clock.systemUTC());
        AgentServer limited = start(AgentServer.create(agents.agent()).port(0).runRegistry(oneRun));
        startRun(limited, "block");

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(limited.url() + "/v1/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\": \"hello\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertError(response, 503, "too_many_runs");
        assertThat(message(response)).contains("AGENTFORGE_MAX_ACTIVE_RUNS");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(oneRun.runs()).hasSize(1);
        oneRun.cancelAll("test finished");
    }

    @Test
    void badInputLeavesNoThreadOrRun() throws Exception {
        assertThat(postJson("/v1/runs", "{\"input\": \"warm up\"}").statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> server.runRegistry().activeCount() == 0);
        int runsBefore = server.runRegistry().runs().size();
        await().atMost(WAIT).until(() -> AgentThreads.names().stream().noneMatch(n -> n.startsWith("agentforge-run-")));
        int baseline = AgentThreads.count();

        postJson("/v1/runs", "{oops");
        postJson("/v1/runs", "{}");
        postJson("/v1/runs", "{\"input\": 1}");
        post("/v1/runs", "{\"input\": \"hi\"}", "text/plain");
        get("/v1/runs/run_missing");
        get("/v1/runs/run_missing/events");
        get("/nowhere");
        client.send(HttpRequest.newBuilder(uri("/v1/runs")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        head("/v1/runs/run_missing/events", Map.of());
        head("/v1/runs", Map.of());
        getWithLastEventId("run_missing", "run_missing:99999999999999999999");
        RawHttp.exchange(server.port(), "POST /v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 99999999\r\n\r\n");

        assertThat(server.runRegistry().runs()).hasSize(runsBefore);
        await().atMost(WAIT).untilAsserted(() -> assertThat(AgentThreads.names()).hasSizeLessThanOrEqualTo(baseline));
    }

    // ---- health ----

    @Test
    void liveIsAlwaysUp() throws Exception {
        HttpResponse<String> response = get("/health/live");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("status").asString()).isEqualTo("UP");
    }

    @Test
    void readyReportsEachContributor() throws Exception {
        ReadinessRegistry readiness = new ReadinessRegistry();
        readiness.register("database", () -> {
            throw new IllegalStateException("connection refused");
        });
        AgentServer checked = start(AgentServer.create(agents.agent()).port(0).readiness(readiness));

        HttpResponse<String> down = client.send(HttpRequest.newBuilder(URI.create(checked.url() + "/health/ready"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        readiness.unregister("database");
        readiness.register("database", () -> ReadinessContributor.Status.ready("database"));
        HttpResponse<String> up = client.send(HttpRequest.newBuilder(URI.create(checked.url() + "/health/ready"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(down.statusCode()).isEqualTo(503);
        JsonNode downBody = JSON.readTree(down.body());
        assertThat(downBody.get("status").asString()).isEqualTo("DOWN");
        JsonNode database = downBody.get("checks").get(0);
        assertThat(database.get("name").asString()).isEqualTo("database");
        assertThat(database.get("ready").asBoolean()).isFalse();
        assertThat(database.get("reason").asString()).isEqualTo("connection refused");
        assertThat(downBody.get("checks").get(1).get("name").asString()).isEqualTo(AgentServer.READINESS_NAME);
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(up.body()).get("status").asString()).isEqualTo("UP");
    }

    @Test
    void readyIsDownWhileRunLimitReached() throws Exception {
        AgentServer limited = start(AgentServer.create(agents.agent()).port(0).maxActiveRuns(1));
        startRun(limited, "block");
        assertThat(agents.blockStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> down = client.send(HttpRequest.newBuilder(URI.create(limited.url() + "/health/ready"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        limited.runRegistry().cancelAll("test finished");

        assertThat(down.statusCode()).isEqualTo(503);
        JsonNode runs = check(down, AgentServer.RUNS_READINESS_NAME);
        assertThat(runs.get("ready").asBoolean()).isFalse();
        assertThat(runs.get("reason").asString()).contains("AGENTFORGE_MAX_ACTIVE_RUNS").contains("limit of 1");
        await().atMost(WAIT).until(() -> client.send(HttpRequest.newBuilder(URI.create(limited.url() + "/health/ready"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }

    @Test
    void readyChecksLimitOfPassedRegistry() throws Exception {
        RunRegistry oneRun = new RunRegistry(Duration.ofMinutes(1), 1, Clock.systemUTC());
        AgentServer limited = start(AgentServer.create(agents.agent()).port(0).runRegistry(oneRun).maxActiveRuns(1));
        HttpResponse<String> before = client.send(HttpRequest.newBuilder(URI.create(limited.url() + "/health/ready"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        startRun(limited, "block");

        HttpResponse<String> down = client.send(HttpRequest.newBuilder(URI.create(limited.url() + "/health/ready"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        oneRun.cancelAll("test finished");

        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(check(before, AgentServer.RUNS_READINESS_NAME).get("ready").asBoolean()).isTrue();
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(check(down, AgentServer.RUNS_READINESS_NAME).get("ready").asBoolean()).isFalse();
    }

    @Test
    void portInUseLeavesNoNonDaemonThread() {
        assertThatThrownBy(() -> AgentServer.create(agents.agent()).port(server.port()).start())
                .isInstanceOf(JavalinBindException.class);

        // A non-daemon thread left by the failed server would keep the JVM from exiting after main returns.
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> !thread.isDaemon()
                && Arrays.stream(thread.getStackTrace())
                        .anyMatch(frame -> frame.getClassName().startsWith("io.javalin")));
    }

    @Test
    void portZeroGivesActualPort() {
        assertThat(server.port()).isPositive();
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
    }

    // ---- helpers ----

    private String startRun(String input) throws Exception {
        return startRun(server, input);
    }

    private String startRun(AgentServer target, String input) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(target.url() + "/v1/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("input", input)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST /v1/runs: %s", response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("runId").asString();
    }

    private void awaitStatus(String runId, String status) {
        await().atMost(WAIT).until(() -> JSON.readTree(get("/v1/runs/" + runId).body()).get("status").asString()
                .equals(status));
    }

    private URI uri(String path) {
        return URI.create(server.url() + path);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> head(String path, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .method("HEAD", HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> getWithLastEventId(String runId, String lastEventId)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri("/v1/runs/" + runId + "/events"))
                .header("Last-Event-ID", lastEventId).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode check(HttpResponse<String> readiness, String name) {
        for (JsonNode check : JSON.readTree(readiness.body()).get("checks")) {
            if (check.get("name").asString().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("No readiness check named " + name + " in " + readiness.body());
    }

    private HttpResponse<String> postJson(String path, String body) throws IOException, InterruptedException {
        return post(path, body, "application/json");
    }

    private HttpResponse<String> post(String path, String body, String contentType)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error).as("error object in %s", response.body()).isNotNull();
        assertThat(error.get("code").asString()).isEqualTo(code);
        assertThat(error.get("status").asInt()).isEqualTo(status);
        assertThat(error.get("message").asString()).isNotBlank();
    }

    private static String code(HttpResponse<String> response) {
        return JSON.readTree(response.body()).get("error").get("code").asString();
    }

    private static String message(HttpResponse<String> response) {
        return JSON.readTree(response.body()).get("error").get("message").asString();
    }

    private static List<String> types(List<SseEvent> events) {
        return events.stream().map(SseEvent::event).toList();
    }

    private static JsonNode data(List<SseEvent> events, String type) {
        return JSON.readTree(events.stream().filter(e -> type.equals(e.event())).findFirst()
                .orElseThrow(() -> new AssertionError("No " + type + " event in " + types(events))).data());
    }
}
