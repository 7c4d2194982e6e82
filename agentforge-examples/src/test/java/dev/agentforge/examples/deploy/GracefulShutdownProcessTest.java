package dev.agentforge.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentforge.examples.demo.DemoService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the demo in a child JVM with an open SSE stream and a run in flight, sends it SIGTERM, and
 * checks what clients see during the graceful shutdown: readiness turns 503 while the process still
 * serves, new runs get 503 {@code shutting_down} with {@code Retry-After}, the open stream gets a
 * {@code retry} field and ends, the run either finishes within the grace period or is cancelled after
 * it, and the process exits within the grace period plus a margin.
 *
 * <p>{@code AGENTFORGE_DEMO_TOOL_DELAY} makes the run's calculator call wait, so the run is in flight
 * when the signal arrives.
 */
class GracefulShutdownProcessTest {

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    // Generous, because a loaded CI machine starts and stops JVMs slowly. The server itself adds at most
    // AgentServer.SHUTDOWN_CANCEL_WAIT (5 s) and Jetty's stop to the grace period.
    private static final Duration EXIT_MARGIN = Duration.ofSeconds(20);

    private static final Pattern SERVING = Pattern.compile("AgentForge demo serving on (http://\\S+?)/ ");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String QUESTION = "Calculate (2+3)*4";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    private final List<String> output = new ArrayList<>();
    private Process process;

    @TempDir
    Path auditDir;

    @AfterEach
    void killLeftover() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        client.close();
    }

    @Test
    void runFinishesWithinGrace() throws Exception {
        Duration grace = Duration.ofSeconds(20);
        String url = startDemo(grace, Duration.ofSeconds(3));
        String runId = startRun(url);
        SseStream stream = SseStream.open(client, URI.create(url + "/v1/runs/" + runId + "/events"), null);
        stream.awaitEvent("action");

        long signalled = System.nanoTime();
        assertThat(process.toHandle().destroy()).as("SIGTERM sent").isTrue();

        assertDraining(url);
        stream.awaitEnd();
        assertThat(stream.raw()).as("the stream closed by the shutdown").contains(": the server is shutting down");
        assertThat(countRetryFields(stream.raw())).as("retry fields in:%n%s", stream.raw()).isEqualTo(2);

        SseStream resumed = SseStream.open(client, URI.create(url + "/v1/runs/" + runId + "/events"),
                stream.lastEventId());
        resumed.awaitEnd();
        assertThat(resumed.lastEventType()).as("the final event in:%n%s", resumed.raw()).isEqualTo("done");

        assertExitsWithin(grace.plus(EXIT_MARGIN), signalled);
        assertThat(output()).contains("Every run finished within the shutdown grace period");
        assertThat(auditText()).doesNotContain("\"run.cancel\"");
    }

    @Test
    void runCancelledAfterGrace() throws Exception {
        Duration grace = Duration.ofSeconds(4);
        String url = startDemo(grace, Duration.ofMinutes(10));
        String runId = startRun(url);
        SseStream stream = SseStream.open(client, URI.create(url + "/v1/runs/" + runId + "/events"), null);
        stream.awaitEvent("action");

        long signalled = System.nanoTime();
        assertThat(process.toHandle().destroy()).as("SIGTERM sent").isTrue();

        assertDraining(url);
        stream.awaitEnd();
        assertThat(stream.raw()).contains(": the server is shutting down");
        assertThat(countRetryFields(stream.raw())).as("retry fields in:%n%s", stream.raw()).isEqualTo(2);

        SseStream resumed = SseStream.open(client, URI.create(url + "/v1/runs/" + runId + "/events"),
                stream.lastEventId());
        resumed.awaitEnd();
        assertThat(resumed.lastEventType()).as("the final event in:%n%s", resumed.raw()).isEqualTo("cancelled");
        assertThat(resumed.raw()).contains("shutdown grace period of PT4S");
        long cancelledAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
        assertThat(cancelledAfterMillis).as("ms from SIGTERM to the cancelled event").isGreaterThanOrEqualTo(
                grace.toMillis());

        assertExitsWithin(grace.plus(EXIT_MARGIN), signalled);
        assertThat(output()).contains("Cancelling the runs still working after the shutdown grace period");
        String audit = auditText();
        assertThat(audit).contains("\"run.cancel\"");
        assertThat(audit).contains("the server shut down before the run finished");
    }

    // Starts the demo and returns its base URL once it serves.
    private String startDemo(Duration grace, Duration toolDelay) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                DemoService.class.getName()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("AGENTFORGE_") || name.equals("PORT")
                || name.startsWith("OPENAI_") || name.startsWith("ANTHROPIC_"));
        builder.environment().putAll(Map.of(
                "PORT", "0",
                "AGENTFORGE_SHUTDOWN_GRACE", grace.toString(),
                DemoService.TOOL_DELAY, toolDelay.toString(),
                "AGENTFORGE_AUDIT_DIR", auditDir.toString()));
        process = builder.start();
        CompletableFuture<String> url = new CompletableFuture<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread.ofVirtual().name("test-demo-output").start(() -> readOutput(url, done));
        return url.get(STARTUP_WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private void readOutput(CompletableFuture<String> url, CountDownLatch done) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                }
                Matcher matcher = SERVING.matcher(line);
                if (matcher.find()) {
                    url.complete(matcher.group(1));
                }
            }
        } catch (IOException e) {
            synchronized (output) {
                output.add("(reading the output failed: " + e + ")");
            }
        } finally {
            url.completeExceptionally(new IllegalStateException("the demo printed no 'serving on' line:\n"
                    + output()));
            done.countDown();
        }
    }

    private String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    private String startRun(String url) throws Exception {
        HttpResponse<String> response = postRun(url);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("runId").asString();
    }

    private HttpResponse<String> postRun(String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/runs"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("input", QUESTION))))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    // Readiness turns 503 within moments of the signal, while liveness and the other routes still return 200.
    private void assertDraining(String url) throws Exception {
        await("/health/ready answers 503").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> get(url + "/health/ready").statusCode() == 503);
        HttpResponse<String> ready = get(url + "/health/ready");
        assertThat(JSON.readTree(ready.body()).path("draining").asString()).isEqualTo("the server is shutting down");

        HttpResponse<String> live = get(url + "/health/live");
        assertThat(live.statusCode()).as("liveness while draining").isEqualTo(200);

        HttpResponse<String> rejected = postRun(url);
        assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(503);
        assertThat(rejected.headers().firstValue("Retry-After")).as("Retry-After").hasValue("2");
        JsonNode error = JSON.readTree(rejected.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("shutting_down");
    }

    private void assertExitsWithin(Duration bound, long signalledNanos) throws InterruptedException {
        long left = bound.toNanos() - (System.nanoTime() - signalledNanos);
        boolean exited = process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS);
        assertThat(exited).as("the demo exited within %s of SIGTERM; output:%n%s", bound, output()).isTrue();
        assertThat(output()).contains("AgentForge demo stopped");
    }

    private String auditText() throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(auditDir)) {
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(".jsonl")).toList()) {
                text.append(Files.readString(file));
            }
        }
        return text.toString();
    }

    private static int countRetryFields(String raw) {
        return (int) raw.lines().filter(line -> line.startsWith("retry:")).count();
    }

    /** An SSE response read line by line on a virtual thread. */
    private static final class SseStream {

        private final StringBuilder raw = new StringBuilder();
        private final CountDownLatch ended = new CountDownLatch(1);

        static SseStream open(HttpClient client, URI uri, String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<Stream<String>> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).as("the event stream's status").isEqualTo(200);
            SseStream stream = new SseStream();
            Thread.ofVirtual().name("test-sse-reader").start(() -> stream.read(response.body()));
            return stream;
        }

        private void read(Stream<String> lines) {
            try (lines) {
                lines.forEach(line -> {
                    synchronized (raw) {
                        raw.append(line).append('\n');
                    }
                });
            } catch (RuntimeException e) {
                synchronized (raw) {
                    raw.append("(reading the stream failed: ").append(e).append(")\n");
                }
            } finally {
                ended.countDown();
            }
        }

        String raw() {
            synchronized (raw) {
                return raw.toString();
            }
        }

        void awaitEvent(String type) {
            await("an '" + type + "' event").atMost(Duration.ofSeconds(30))
                    .until(() -> raw().lines().anyMatch(line -> line.equals("event: " + type)));
        }

        void awaitEnd() throws InterruptedException {
            assertThat(ended.await(60, TimeUnit.SECONDS)).as("the stream ended; so far:%n%s", raw()).isTrue();
        }

        String lastEventId() {
            return raw().lines().filter(line -> line.startsWith("id: ")).reduce((first, second) -> second)
                    .map(line -> line.substring("id: ".length())).orElseThrow();
        }

        String lastEventType() {
            return raw().lines().filter(line -> line.startsWith("event: ")).reduce((first, second) -> second)
                    .map(line -> line.substring("event: ".length())).orElseThrow();
        }
    }
}
