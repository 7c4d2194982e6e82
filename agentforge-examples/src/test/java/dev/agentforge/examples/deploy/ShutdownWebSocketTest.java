package dev.agentforge.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.agentforge.examples.demo.DemoService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the WebSocket side of {@code AgentServer.shutdown()} in process: an open {@code /v1/ws}
 * connection is closed with 1001 (going away), and an upgrade during the drain gets 503.
 */
class ShutdownWebSocketTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path auditDir;

    @Test
    void drainClosesAndRejectsWebSockets() throws Exception {
        DemoService.Handle demo = DemoService.start(Map.of("PORT", "0", "AGENTFORGE_AUDIT_DIR", auditDir.toString(),
                "AGENTFORGE_SHUTDOWN_GRACE", "PT30S", DemoService.TOOL_DELAY, "PT10M"));
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
            URI ws = URI.create(demo.url().replace("http://", "ws://") + "/v1/ws");
            CompletableFuture<Integer> closeStatus = new CompletableFuture<>();
            WebSocket open = client.newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                    closeStatus.complete(statusCode);
                    return null;
                }
            }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            // A run in flight keeps the server draining for the grace period while the checks run.
            HttpResponse<String> started = client.send(HttpRequest.newBuilder(URI.create(demo.url() + "/v1/runs"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"input\": \"Calculate (2+3)*4\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);

            Thread shutdown = Thread.ofVirtual().name("test-shutdown").start(() -> demo.server().shutdown());
            await("draining").atMost(TIMEOUT).until(() -> demo.server().draining());

            assertThat(closeStatus.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("close status").isEqualTo(1001);
            Throwable rejected = catchThrowable(() -> client.newWebSocketBuilder()
                    .buildAsync(ws, new WebSocket.Listener() { }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertThat(rejected).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(WebSocketHandshakeException.class);
            WebSocketHandshakeException handshake = (WebSocketHandshakeException) rejected.getCause();
            assertThat(handshake.getResponse().statusCode()).as("upgrade status while draining").isEqualTo(503);
            assertThat(handshake.getResponse().headers().firstValue("Retry-After")).hasValue("2");

            open.abort();
            // Stopping the demo cancels the run, which ends the drain before its grace period.
            demo.stop();
            shutdown.join(TIMEOUT);
            assertThat(shutdown.isAlive()).as("the shutdown returned").isFalse();
        } finally {
            demo.stop();
        }
    }
}
