package dev.agentforge.resource.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HttpClientsTest {

    @Test
    void defaultsMatchDocumentation() {
        HttpClientSettings settings = HttpClientSettings.defaults();

        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(settings.redirect()).isEqualTo(HttpClient.Redirect.NORMAL);
    }

    @Test
    void clientUsesSettings() {
        HttpClientSettings settings = HttpClientSettings.builder()
                .connectTimeout(Duration.ofSeconds(3))
                .version(HttpClient.Version.HTTP_1_1)
                .redirect(HttpClient.Redirect.NEVER)
                .build();

        try (HttpClient client = HttpClients.create(settings)) {
            assertThat(client.connectTimeout()).contains(Duration.ofSeconds(3));
            assertThat(client.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(client.followRedirects()).isEqualTo(HttpClient.Redirect.NEVER);
            assertThat(client.executor()).isPresent();
        }
    }

    @Test
    void clientCallsLocalServerOnVirtualThreads() throws Exception {
        try (LocalHttpServer server = new LocalHttpServer();
                HttpClient client = HttpClients.create(HttpClientSettings.defaults())) {
            server.handle("/hello", exchange -> {
                byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });

            AtomicReference<Thread> handlerThread = new AtomicReference<>();
            HttpResponse<String> response = client.send(HttpClients.newRequest(server.uri("/hello")).build(),
                    info -> {
                        handlerThread.set(Thread.currentThread());
                        return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
                    });

            assertThat(handlerThread.get().isVirtual()).as("body handler thread %s", handlerThread.get()).isTrue();
            assertThat(handlerThread.get().getName()).startsWith("agentforge-http-");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello");
        }
    }

    @Test
    void normalRedirectIsFollowed() throws Exception {
        try (LocalHttpServer server = new LocalHttpServer().respond("/target", 204);
                HttpClient client = HttpClients.create(HttpClientSettings.defaults())) {
            server.handle("/old", exchange -> {
                exchange.getResponseHeaders().add("Location", server.uri("/target").toString());
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
            });

            HttpResponse<Void> response = client.send(HttpClients.newRequest(server.uri("/old")).build(),
                    HttpResponse.BodyHandlers.discarding());

            assertThat(response.statusCode()).isEqualTo(204);
            assertThat(response.uri().getPath()).isEqualTo("/target");
        }
    }

    @Test
    void newRequestSetsRequestTimeout() {
        HttpClientSettings settings = HttpClientSettings.builder().requestTimeout(Duration.ofSeconds(7)).build();

        HttpRequest request = HttpClients.newRequest(java.net.URI.create("http://127.0.0.1:1/x"), settings).build();

        assertThat(request.timeout()).contains(Duration.ofSeconds(7));
        assertThat(HttpClients.newRequest(java.net.URI.create("http://127.0.0.1:1/x")).build().timeout())
                .contains(HttpClientSettings.DEFAULT_REQUEST_TIMEOUT);
    }

    @Test
    void sharedClientIsOneInstance() {
        assertThat(HttpClients.shared()).isSameAs(HttpClients.shared());
        assertThat(HttpClients.shared().followRedirects()).isEqualTo(HttpClient.Redirect.NORMAL);
    }

    @Test
    void rejectsNonPositiveTimeouts() {
        assertThatThrownBy(() -> HttpClientSettings.builder().connectTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectTimeout must be positive, got PT0S");
        assertThatThrownBy(() -> HttpClientSettings.builder().requestTimeout(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("requestTimeout must be positive, got PT-1S");
    }
}
