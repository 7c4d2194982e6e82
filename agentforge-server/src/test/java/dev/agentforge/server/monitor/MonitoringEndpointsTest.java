package dev.agentforge.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.monitor.HealthCheck;
import dev.agentforge.monitor.HealthRegistry;
import dev.agentforge.resilience.CircuitBreakers;
import dev.agentforge.server.AgentServer;
import dev.agentforge.tool.Tool;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.api.trace.StatusCode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class MonitoringEndpointsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AgentServer> servers = new ArrayList<>();

    @TempDir
    Path temp;

    @AfterEach
    void stopServers() {
        servers.forEach(AgentServer::stop);
    }

    private static Agent agent(ServerTelemetry telemetry) {
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("echo", "echo (.+)", turn -> turn.step() == 0
                        ? ScriptStep.callTool("echo", JSON.writeValueAsString(Map.of("text", turn.group(1))))
                        : ScriptStep.answer("The echo tool returned " + turn.lastResult().text()))
                .fallback(turn -> ScriptStep.answer("Hello from the scripted model"))
                .build();
        Tool echo = Tool.builder("echo")
                .description("Returns the text it is given.")
                .parameters("""
                        {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
                        """)
                .handler((arguments, context) -> arguments.get("text").asString())
                .build();
        Agent.Builder builder = Agent.builder().model(model).modelName("openai:gpt-test").tools(echo);
        if (telemetry != null) {
            builder.modelCallListener(telemetry.tracer());
        }
        return builder.build();
    }

    private AgentServer start(AgentServer.Builder builder) {
        AgentServer server = builder.port(0).start();
        servers.add(server);
        return server;
    }

    private HttpResponse<String> get(AgentServer server, String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(WAIT);
        if (accept != null) {
            request.header("Accept", accept);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String runToEnd(AgentServer server, String input) throws Exception {
        HttpResponse<String> started = client.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("input", input))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).isEqualTo(202);
        String runId = JSON.readTree(started.body()).get("runId").asString();
        // Reading the SSE stream to its end waits for the run and records the delivery lag.
        HttpResponse<String> events = get(server, "/v1/runs/" + runId + "/events", "text/event-stream");
        assertThat(events.body()).contains("event: done");
        return runId;
    }

    private static JsonNode check(JsonNode body, String name) {
        for (JsonNode check : body.get("checks")) {
            if (check.get("name").asString().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("No check named " + name + " in " + body);
    }

    @Test
    void slowCheckTimesOutLiveStaysUp() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch checkStarted = new CountDownLatch(1);
        HealthRegistry health = new HealthRegistry();
        // A database check that would take 30 s: it blocks on a latch that the test releases at the end.
        health.register(HealthCheck.of("database", Duration.ofSeconds(2), () -> {
            checkStarted.countDown();
            release.await(30, TimeUnit.SECONDS);
            return HealthCheck.Result.up();
        }));
        AgentServer server = start(AgentServer.create(agent(null)).health(health));
        try {
            long readyStart = System.nanoTime();
            CompletableFuture<HttpResponse<String>> readyResponse = client.sendAsync(
                    HttpRequest.newBuilder(URI.create(server.url() + "/health/ready")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(checkStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            long liveStart = System.nanoTime();
            HttpResponse<String> live = get(server, "/health/live", null);
            Duration liveTook = Duration.ofNanos(System.nanoTime() - liveStart);
            HttpResponse<String> ready = readyResponse.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            Duration readyTook = Duration.ofNanos(System.nanoTime() - readyStart);
            HttpResponse<String> details = get(server, "/health", null);

            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(live.body()).get("status").asString()).isEqualTo("UP");
            assertThat(liveTook).as("liveness waits on no check").isLessThan(Duration.ofSeconds(2));
            assertThat(release.getCount()).as("the database check is still blocked").isEqualTo(1);

            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(readyTook).as("readiness answers after the 2 s timeout, not the 30 s check")
                    .isLessThan(Duration.ofSeconds(15));
            JsonNode readyBody = JSON.readTree(ready.body());
            assertThat(readyBody.get("status").asString()).isEqualTo("DOWN");
            JsonNode database = check(readyBody, "database");
            assertThat(database.get("state").asString()).isEqualTo("TIMEOUT");
            assertThat(database.get("ready").asBoolean()).isFalse();
            assertThat(database.get("reason").asString()).contains("did not finish within 2 s");

            assertThat(details.statusCode()).isEqualTo(503);
            JsonNode detailed = check(JSON.readTree(details.body()), "database");
            assertThat(detailed.get("state").asString()).isEqualTo("TIMEOUT");
            assertThat(detailed.get("durationMillis").asLong()).isEqualTo(2000);
            assertThat(detailed.get("timeoutMillis").asLong()).isEqualTo(2000);
            assertThat(detailed.get("lastSuccess").isNull()).isTrue();
            assertThat(detailed.get("consecutiveFailures").asInt()).isEqualTo(1);
            assertThat(check(JSON.readTree(details.body()), AgentServer.READINESS_NAME).get("state").asString())
                    .isEqualTo("UP");
        } finally {
            release.countDown();
        }
    }

    @Test
    void openBreakerShowsDegradedButReady() throws Exception {
        CircuitBreakers breakers = CircuitBreakers.create();
        HealthRegistry health = new HealthRegistry();
        health.register(dev.agentforge.monitor.BreakerHealthCheck.nonModel(breakers), HealthRegistry.Policy.LOCAL);
        AgentServer server = start(AgentServer.create(agent(null)).health(health));
        breakers.forTool("search").transitionToOpenState();

        HttpResponse<String> response = get(server, "/health", null);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asString()).isEqualTo("DEGRADED");
        assertThat(body.get("ready").asBoolean()).isTrue();
        JsonNode breakerCheck = check(body, "circuit-breakers");
        assertThat(breakerCheck.get("state").asString()).isEqualTo("DEGRADED");
        assertThat(breakerCheck.get("details").get("tool:search").get("state").asString()).isEqualTo("OPEN");
    }

    @Test
    void metricsPassPromtool() throws Exception {
        CircuitBreakers breakers = CircuitBreakers.create();
        breakers.forModel("gpt-test");
        ServerMetrics metrics = ServerMetrics.create().bind(breakers::bindTo);
        AgentServer server = start(AgentServer.create(agent(null)).metrics(metrics));
        runToEnd(server, "echo hello");
        runToEnd(server, "hi");

        HttpResponse<String> text = get(server, "/metrics", null);
        HttpResponse<String> openMetrics = get(server, "/metrics", "application/openmetrics-text; version=1.0.0");

        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(text.body())
                .contains("agentforge_runs_total{gen_ai_provider_name=\"openai\",gen_ai_request_model=\"gpt-test\","
                        + "outcome=\"completed\"} 2.0")
                .contains("gen_ai_client_operation_duration_seconds_count{error_type=\"\",gen_ai_operation_name="
                        + "\"invoke_agent\",gen_ai_provider_name=\"openai\",gen_ai_request_model=\"gpt-test\"} 2")
                .contains("gen_ai_client_token_usage_bucket{gen_ai_operation_name=\"invoke_agent\"")
                .contains("gen_ai_token_type=\"input\"")
                .contains("gen_ai_token_type=\"output\"")
                .contains("agentforge_run_tool_calls_total{gen_ai_tool_name=\"echo\",outcome=\"success\"} 1.0")
                .contains("gen_ai_execute_tool_duration_seconds_bucket{error_type=\"\",gen_ai_tool_name=\"echo\"")
                .contains("agentforge_sse_connections")
                .contains("agentforge_sse_delivery_lag_seconds_count")
                .contains("agentforge_runs_active")
                .contains("resilience4j_circuitbreaker_state{name=\"model:gpt-test\"")
                .contains("jvm_memory_used_bytes")
                .contains("jvm_gc_")
                .contains("jvm_threads_live_threads")
                .contains("jvm_classes_loaded_classes")
                .contains("process_cpu_usage")
                .contains("process_uptime_seconds")
                .contains("process_files_open_files");
        assertThat(openMetrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/openmetrics-text"));
        assertThat(openMetrics.body()).endsWith("# EOF\n");
        assertPromtoolAccepts(text.body());
    }

    // promtool comes with Debian's prometheus package. It is optional on a developer's machine, but
    // CI (CI=true) installs it, so there a missing promtool fails the test instead of skipping it.
    private void assertPromtoolAccepts(String exposition) throws IOException, InterruptedException {
        String promtool = findPromtool();
        if (promtool == null) {
            String help = "promtool is not installed; install it with 'apt-get update && apt-get install -y"
                    + " prometheus' to run this check";
            assertThat("true".equalsIgnoreCase(System.getenv("CI"))).as(help).isFalse();
            assumeTrue(false, help);
        }
        Path input = temp.resolve("metrics.txt");
        Files.writeString(input, exposition, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(promtool, "check", "metrics")
                .redirectInput(input.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(process.exitValue()).as("promtool check metrics output:%n%s", output).isZero();
    }

    private static String findPromtool() {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File candidate = new File(directory, "promtool");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        return null;
    }

    @Test
    void spansForRunModelCallsAndTools() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        ServerTelemetry telemetry = ServerTelemetry.exportingTo(exporter, "monitoring-test");
        AgentServer server = start(AgentServer.create(agent(telemetry)).telemetry(telemetry));

        String runId = runToEnd(server, "echo hello");

        await().atMost(WAIT).until(() -> exporter.getFinishedSpanItems().size() >= 4);
        List<SpanData> spans = exporter.getFinishedSpanItems();
        SpanData run = only(spans, "invoke_agent");
        SpanData tool = only(spans, "execute_tool echo");
        List<SpanData> chats = spans.stream().filter(span -> span.getName().equals("chat gpt-test")).toList();

        assertThat(run.getParentSpanContext().isValid()).isFalse();
        assertThat(run.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("invoke_agent");
        assertThat(run.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
        assertThat(run.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("gpt-test");
        assertThat(run.getAttributes().get(AttributeKey.stringKey("agentforge.run.id"))).isEqualTo(runId);
        assertThat(run.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isPositive();
        assertThat(run.getAttributes().get(AttributeKey.stringKey("agentforge.run.status"))).isEqualTo("completed");
        assertThat(run.getResource().getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("monitoring-test");

        assertThat(tool.getParentSpanId()).isEqualTo(run.getSpanId());
        assertThat(tool.getTraceId()).isEqualTo(run.getTraceId());
        assertThat(tool.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name"))).isEqualTo("echo");
        assertThat(tool.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.call.id"))).isNotBlank();
        assertThat(tool.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        assertThat(chats).hasSize(2);
        for (SpanData chat : chats) {
            assertThat(chat.getParentSpanId()).isEqualTo(run.getSpanId());
            assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
            assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isPositive();
            assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isNotNull();
        }
        assertThat(tool.getStartEpochNanos()).isGreaterThanOrEqualTo(run.getStartEpochNanos());
        assertThat(tool.getEndEpochNanos()).isLessThanOrEqualTo(run.getEndEpochNanos());
    }

    @Test
    void telemetryOffRecordsNothing() {
        ServerTelemetry off = ServerTelemetry.off();

        assertThat(off.enabled()).isFalse();
        assertThat(off.openTelemetry().getTracer("test").spanBuilder("noop").startSpan().getSpanContext().isValid())
                .isFalse();
    }

    private static SpanData only(List<SpanData> spans, String name) {
        List<SpanData> matching = spans.stream().filter(span -> span.getName().equals(name)).toList();
        assertThat(matching).as("spans named %s in %s", name, spans).hasSize(1);
        return matching.getFirst();
    }
}
