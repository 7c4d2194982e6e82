package dev.agentforge.resource.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.monitor.ReadinessContributor.Status;
import dev.agentforge.monitor.ReadinessRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpstreamHealthCheckTest {

    private LocalHttpServer server;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        server = new LocalHttpServer();
        client = HttpClients.create(HttpClientSettings.builder().version(HttpClient.Version.HTTP_1_1).build());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void okStatusIsReady() throws Exception {
        server.respond("/health", 200);

        Status status = UpstreamHealthCheck.builder(server.uri("/health")).client(client).build().check();

        assertThat(status.ready()).isTrue();
        assertThat(status.name()).isEqualTo("upstream 127.0.0.1");
        assertThat(status.reason()).isEqualTo("GET " + server.uri("/health") + " returned HTTP 200");
    }

    @Test
    void serverErrorIsNotReady() throws Exception {
        server.respond("/health", 503);

        Status status = UpstreamHealthCheck.builder(server.uri("/health")).client(client).build().check();

        assertThat(status.ready()).isFalse();
        assertThat(status.reason()).isEqualTo("GET " + server.uri("/health") + " returned HTTP 503, expected 200 to 399");
    }

    @Test
    void headUsesConfiguredMethod() throws Exception {
        AtomicReference<String> seenMethod = new AtomicReference<>();
        server.handle("/health", exchange -> {
            seenMethod.set(exchange.getRequestMethod());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });

        Status status = UpstreamHealthCheck.builder(server.uri("/health")).client(client).method("head").build().check();

        assertThat(status.ready()).isTrue();
        assertThat(seenMethod.get()).isEqualTo("HEAD");
    }

    @Test
    void expectedStatusIsConfigurable() throws Exception {
        server.respond("/accepted", 202).respond("/ok", 200);
        UpstreamHealthCheck.Builder onlyAccepted = UpstreamHealthCheck.builder(server.uri("/accepted"))
                .client(client).expectedStatus(202);

        assertThat(onlyAccepted.build().check().ready()).isTrue();
        Status other = UpstreamHealthCheck.builder(server.uri("/ok")).client(client).expectedStatus(202).build().check();
        assertThat(other.ready()).isFalse();
        assertThat(other.reason()).endsWith("returned HTTP 200, expected 202");
    }

    @Test
    void unansweredRequestIsNotReady() throws Exception {
        server.hang("/slow");

        Status status = UpstreamHealthCheck.builder(server.uri("/slow")).client(client)
                .timeout(Duration.ofMillis(300)).build().check();

        assertThat(status.ready()).isFalse();
        assertThat(status.reason()).startsWith("GET " + server.uri("/slow"));
        assertThat(status.reason()).containsAnyOf("did not respond within PT0.3S", "HttpTimeoutException");
    }

    @Test
    void refusedConnectionIsNotReady() throws Exception {
        URI closed;
        try (LocalHttpServer stopped = new LocalHttpServer()) {
            closed = stopped.uri("/health");
        }

        Status status = UpstreamHealthCheck.builder(closed).client(client).build().check();

        assertThat(status.ready()).isFalse();
        assertThat(status.reason()).startsWith("GET " + closed + " failed: java.net.ConnectException");
    }

    @Test
    void registryReportsUnderRegisteredName() {
        server.respond("/health", 500);
        ReadinessRegistry registry = new ReadinessRegistry();
        registry.register("model-api", UpstreamHealthCheck.builder(server.uri("/health")).client(client).build());

        ReadinessRegistry.Report report = registry.check();

        assertThat(report.ready()).isFalse();
        assertThat(report.statuses()).extracting(Status::name).containsExactly("model-api");
    }

    @Test
    void reasonHidesCredentialsAndQuery() {
        URI uri = URI.create("https://user:secret@127.0.0.1:8443/v1/health?api_key=abc#top");

        assertThat(UpstreamHealthCheck.redact(uri)).isEqualTo("https://127.0.0.1:8443/v1/health");
    }

    @Test
    void rejectsInvalidArguments() {
        assertThatThrownBy(() -> UpstreamHealthCheck.builder(URI.create("ftp://127.0.0.1/x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use an absolute http or https URL");
        UpstreamHealthCheck.Builder builder = UpstreamHealthCheck.builder(URI.create("http://127.0.0.1:1/x"));
        assertThatThrownBy(() -> builder.method("POST"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid health check method 'POST': use GET or HEAD");
        assertThatThrownBy(() -> builder.expectedStatus(400, 300))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid expected status range 400 to 300");
        assertThatThrownBy(() -> builder.timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be positive, got PT0S");
    }
}
