package dev.agentforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.resource.HeapUsage;
import dev.agentforge.resource.MemoryMonitor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class MemoryLimitTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long MAX = 1000L << 20;

    private volatile long used;
    private final HeapUsage heap = new HeapUsage() {
        @Override
        public long usedBytes() {
            return used;
        }

        @Override
        public long maxBytes() {
            return MAX;
        }
    };
    private MemoryMonitor memory;
    private AgentServer server;
    private HttpClient client;

    @BeforeEach
    void start() {
        memory = MemoryMonitor.builder().heap(heap).softLimit(0.75).hardLimit(0.9).build();
        server = AgentServer.create(new TestAgents().agent()).port(0).memory(memory).start();
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
    }

    @AfterEach
    void stop() {
        server.stop();
        client.close();
    }

    private HttpResponse<String> post(String input) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\": \"" + input + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void hardLimitRejectsRunsWith503() throws Exception {
        used = (long) (MAX * 0.95);
        memory.check();

        HttpResponse<String> response = post("hello");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("code").asString()).isEqualTo("memory_limit_exceeded");
        assertThat(error.get("message").asString()).contains("hard limit of 90 %");
        assertThat(server.runRegistry().runs()).isEmpty();
    }

    @Test
    void hardLimitMarksTheServiceNotReady() throws Exception {
        used = (long) (MAX * 0.95);
        memory.check();

        HttpResponse<String> ready = get("/health/ready");

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("\"memory\"").contains("hard limit");
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void runsStartAgainBelowTheLimit() throws Exception {
        used = (long) (MAX * 0.95);
        memory.check();
        assertThat(post("hello").statusCode()).isEqualTo(503);

        used = (long) (MAX * 0.5);
        memory.check();

        assertThat(post("hello").statusCode()).isEqualTo(202);
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void softLimitEvictsFinishedRuns() throws Exception {
        String runId = JSON.readTree(post("hello").body()).get("runId").asString();
        server.runRegistry().find(runId).orElseThrow().result().get();

        used = (long) (MAX * 0.8);
        memory.check();

        assertThat(server.runRegistry().find(runId)).isEmpty();
        assertThat(get("/v1/runs/" + runId).statusCode()).isEqualTo(404);
    }

    @Test
    void runStatusReportsRetainedBytes() throws Exception {
        String runId = JSON.readTree(post("hello").body()).get("runId").asString();
        server.runRegistry().find(runId).orElseThrow().result().get();

        JsonNode status = JSON.readTree(get("/v1/runs/" + runId).body());

        assertThat(status.get("retainedBytes").asLong()).isPositive();
    }
}
