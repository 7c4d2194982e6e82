package dev.agentforge.client;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A client of an AgentForge server's HTTP API (docs/http-api.md) on the JDK's {@link HttpClient}:
 * start a run, read its status, cancel it, send it input, and stream its events with automatic
 * reconnection.
 *
 * <pre>{@code
 * try (AgentForgeClient client = AgentForgeClient.create(URI.create("http://127.0.0.1:8080"))) {
 *     StartedRun run = client.startRun("What is 2 + 3?");
 *     client.events(run.runId(), StreamOptions.defaults().withTimeout(Duration.ofMinutes(2)))
 *             .doOnNext(event -> System.out.println(event.type()))
 *             .blockLast();
 * }
 * }</pre>
 *
 * <p>Thread-safe. The blocking methods throw {@link AgentForgeApiException} when the server responds
 * with an error status, and {@link AgentForgeClientException} when the request fails on the way.
 * docs/java-client.md describes the reconnection rules.
 */
public final class AgentForgeClient implements AutoCloseable {

    /** How long a request may wait for the response headers when no timeout is set. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** How long connecting may take when no timeout is set. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final URI baseUrl;
    private final HttpClient http;
    private final boolean ownsHttp;
    private final Duration requestTimeout;
    private final ScheduledExecutorService timer;

    private AgentForgeClient(Builder builder) {
        this.baseUrl = builder.baseUrl;
        this.ownsHttp = builder.http == null;
        this.http = ownsHttp
                ? HttpClient.newBuilder().connectTimeout(builder.connectTimeout).build()
                : builder.http;
        this.requestTimeout = builder.requestTimeout;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("agentforge-client-timer").factory());
    }

    /** Creates a client of the server at this base URL, such as {@code http://127.0.0.1:8080}, with defaults. */
    public static AgentForgeClient create(URI baseUrl) {
        return builder(baseUrl).build();
    }

    /** Starts configuring a client of the server at this base URL. */
    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    /** {@code POST /v1/runs}: starts a run on this input and returns without waiting for it to finish. */
    public StartedRun startRun(String input) {
        Objects.requireNonNull(input, "input");
        String body = EventCodec.mapper().writeValueAsString(Map.of("input", input));
        JsonNode response = sendJson("POST", "/v1/runs", body, 202);
        return new StartedRun(
                response.path("runId").asString(),
                response.path("status").asString(),
                url(response.path("eventsUrl").asString()),
                url(response.path("statusUrl").asString()),
                url(response.path("cancelUrl").asString()));
    }

    /** {@code GET /v1/runs/{id}}: returns the run's status and, once it has finished, its outcome. */
    public RunInfo status(String runId) {
        return RunInfo.of(sendJson("GET", runPath(runId), null, 200));
    }

    /**
     * {@code POST /v1/runs/{id}/cancel}: cancels a working run and returns its status, now
     * {@code cancelled}.
     *
     * @throws AgentForgeApiException with status 409 and code {@code run_finished} when the run had
     *     already ended
     */
    public RunInfo cancel(String runId) {
        return RunInfo.of(sendJson("POST", runPath(runId) + "/cancel", null, 202));
    }

    /**
     * {@code POST /v1/runs/{id}/input}: sends the user's reply to a run that waits for input after a
     * {@code waiting_input} event, and returns the run's status.
     */
    // NOTE: no test runs this against the server's input route yet, which lands with the
    // waiting_input event. A server without the route responds 404 or 405, raised as AgentForgeApiException.
    public RunInfo sendInput(String runId, String input) {
        Objects.requireNonNull(input, "input");
        String body = EventCodec.mapper().writeValueAsString(Map.of("input", input));
        return RunInfo.of(sendJson("POST", runPath(runId) + "/input", body, 202));
    }

    /** Streams the run's events from its first one, with the default {@link StreamOptions}. */
    public Flux<AgentEvent> events(String runId) {
        return events(runId, StreamOptions.defaults());
    }

    /**
     * Streams the run's events over SSE. Each subscription opens its own stream on a virtual thread,
     * which reconnects after a cut or silent connection and resumes with {@code Last-Event-ID}, so
     * every event after {@code options.afterSequence()} is delivered exactly once and in order. The
     * flux completes after the run's terminal event, or when the server responds {@code 204} because
     * nothing follows the resume point. Cancelling the subscription closes the connection; the run
     * goes on.
     *
     * <p>It fails with {@link ClientTimeoutException} when {@code options.deadline()} passes, and with
     * {@link StreamGaveUpException} when the server rejects the request (such as 404 for an unknown
     * run) or {@code options.maxConsecutiveFailures()} attempts in a row fail. Events arrive on the
     * reading thread and wait in an unbounded buffer when the subscriber requests fewer.
     */
    public Flux<AgentEvent> events(String runId, StreamOptions options) {
        Objects.requireNonNull(options, "options");
        URI eventsUri = url(runPath(runId) + "/events");
        return Flux.create(sink -> new EventStreamReader(http, eventsUri, runId, options, requestTimeout, timer, sink)
                .start(), FluxSink.OverflowStrategy.BUFFER);
    }

    /** Returns the base URL of the server. */
    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * Stops the timer of the event streams, and closes the HTTP client when this client created it.
     * Open streams stop dropping silent connections and deadlines are no longer enforced mid-read.
     */
    @Override
    public void close() {
        timer.shutdownNow();
        if (ownsHttp) {
            http.close();
        }
    }

    private String runPath(String runId) {
        Objects.requireNonNull(runId, "runId");
        if (runId.isBlank()) {
            throw new IllegalArgumentException("runId must not be blank");
        }
        return "/v1/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // Appends the path, so that a base URL with a path prefix, such as behind a proxy, keeps it.
    private URI url(String path) {
        return URI.create(baseUrl + path);
    }

    private JsonNode sendJson(String method, String path, String body, int expectedStatus) {
        String response = send(method, path, body, expectedStatus);
        try {
            return EventCodec.mapper().readTree(response);
        } catch (JacksonException e) {
            throw new AgentForgeClientException(method + " " + path + " returned a body that is not JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private String send(String method, String path, String body, int... expectedStatuses) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path))
                .timeout(requestTimeout)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AgentForgeClientException(method + " " + url(path) + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentForgeClientException(method + " " + url(path) + " was interrupted", e);
        }
        for (int expected : expectedStatuses) {
            if (response.statusCode() == expected) {
                return response.body();
            }
        }
        throw apiError(method + " " + path, response.statusCode(), response.body());
    }

    /** Reads the server's JSON error body, {@code {"error": {"code": ..., "message": ...}}}, where it has one. */
    static AgentForgeApiException apiError(String request, int status, String body) {
        String code = null;
        String message = null;
        try {
            JsonNode error = EventCodec.mapper().readTree(body).path("error");
            if (error.path("code").isString()) {
                code = error.path("code").asString();
            }
            if (error.path("message").isString()) {
                message = error.path("message").asString();
            }
        } catch (JacksonException e) {
            // Not the server's JSON error, such as a proxy's HTML page: the raw body goes into the message.
        }
        if (message == null) {
            String excerpt = body == null ? "" : body.strip();
            message = excerpt.length() > 200 ? excerpt.substring(0, 200) + "…" : excerpt;
        }
        return new AgentForgeApiException(status, code, request + " failed with HTTP " + status
                + (code == null ? "" : " " + code) + ": " + message);
    }

    /** Configures an {@link AgentForgeClient}. */
    public static final class Builder {
        private final URI baseUrl;
        private HttpClient http;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

        private Builder(URI baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            if (baseUrl.getScheme() == null || baseUrl.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an absolute http or https URL such as"
                        + " http://127.0.0.1:8080, got '" + baseUrl + "'");
            }
            String text = baseUrl.toString();
            this.baseUrl = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        }

        /** Uses this HTTP client, which the caller keeps and closes; the connect timeout is then its own. */
        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Sets how long a request may wait for the response headers; for an event stream, only until
         * the stream starts.
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** Sets how long connecting may take, for the HTTP client this client creates. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        public AgentForgeClient build() {
            return new AgentForgeClient(this);
        }

        private static Duration positive(Duration duration, String name) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, got " + duration);
            }
            return duration;
        }
    }
}
