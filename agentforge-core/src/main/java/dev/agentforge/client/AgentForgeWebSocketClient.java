package dev.agentforge.client;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.EventCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A client of an AgentForge server's WebSocket endpoint, {@code /v1/ws} (docs/websocket.md), on the
 * JDK's {@link HttpClient} WebSocket: start a run, reply to its {@code waiting_input}, cancel it, and
 * stream its events with automatic reconnection.
 *
 * <pre>{@code
 * try (AgentForgeWebSocketClient client = AgentForgeWebSocketClient.create(URI.create("http://127.0.0.1:8080"))) {
 *     String runId = client.startRun("What is 2 + 3?");
 *     client.events(runId, StreamOptions.defaults().withTimeout(Duration.ofMinutes(2)))
 *             .doOnNext(event -> System.out.println(event.type()))
 *             .blockLast();
 * }
 * }</pre>
 *
 * <p>Each call of {@link #startRun}, {@link #sendInput} and {@link #cancel} opens its own connection,
 * sends one message, waits for the server's {@code ack} or {@code error}, and closes the connection.
 * Each subscription to {@link #events} holds one connection, and after a cut, a close or a silent
 * connection opens a new one and sends {@code resume} with the last sequence number it delivered, so
 * every event after {@code options.afterSequence()} arrives exactly once and in order.
 *
 * <p>Thread-safe. The blocking methods throw {@link AgentForgeWebSocketException} when the server
 * answers with an {@code error} message, and {@link AgentForgeClientException} when the connection
 * fails or no answer comes within the request timeout.
 */
public final class AgentForgeWebSocketClient implements AutoCloseable {

    /** The path of the server's WebSocket endpoint. */
    public static final String PATH = "/v1/ws";

    private final URI baseUrl;
    private final URI webSocketUri;
    private final HttpClient http;
    private final boolean ownsHttp;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Set<WebSocketEventReader> readers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private AgentForgeWebSocketClient(Builder builder) {
        this.baseUrl = builder.baseUrl;
        this.webSocketUri = webSocketUri(builder.baseUrl);
        this.ownsHttp = builder.http == null;
        this.http = ownsHttp
                ? HttpClient.newBuilder().connectTimeout(builder.connectTimeout).build()
                : builder.http;
        this.connectTimeout = builder.connectTimeout;
        this.requestTimeout = builder.requestTimeout;
    }

    /** Creates a client of the server at this base URL, such as {@code http://127.0.0.1:8080}, with defaults. */
    public static AgentForgeWebSocketClient create(URI baseUrl) {
        return builder(baseUrl).build();
    }

    /** Starts configuring a client of the server at this base URL. */
    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    /** Returns the URI of the server's WebSocket endpoint, such as {@code ws://127.0.0.1:8080/v1/ws}. */
    public URI webSocketUri() {
        return webSocketUri;
    }

    /** Returns the base URL of the server. */
    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * Sends {@code start} and returns the new run's id from the server's {@code ack}, without waiting
     * for the run to finish. Stream its events with {@link #events(String)}.
     *
     * @throws AgentForgeWebSocketException with code {@code too_many_runs} or {@code memory_limit_exceeded}
     *     when the server rejects the run
     */
    public String startRun(String input) {
        Objects.requireNonNull(input, "input");
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "start");
        message.put("input", input);
        return request(message).path("runId").asString();
    }

    /**
     * Sends {@code input}: the user's reply to a run that waits for input after a {@code waiting_input}
     * event.
     *
     * @throws AgentForgeWebSocketException with code {@code run_not_waiting} when the run waits for no
     *     input, or {@code run_not_found}
     */
    public void sendInput(String runId, String input) {
        Objects.requireNonNull(input, "input");
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "input");
        message.put("runId", requireRunId(runId));
        message.put("input", input);
        request(message);
    }

    /**
     * Sends {@code cancel} for a working run, with a reason for its {@code cancelled} event, or null for
     * the server's default reason.
     *
     * @throws AgentForgeWebSocketException with code {@code run_finished} when the run had already
     *     ended, or {@code run_not_found}
     */
    public void cancel(String runId, String reason) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "cancel");
        message.put("runId", requireRunId(runId));
        if (reason != null) {
            message.put("reason", reason);
        }
        request(message);
    }

    /** Streams the run's events from its first one, with the default {@link StreamOptions}. */
    public Flux<AgentEvent> events(String runId) {
        return events(runId, StreamOptions.defaults());
    }

    /**
     * Streams the run's events over WebSocket. Each subscription opens its own connection on a virtual
     * thread and sends {@code resume} with {@code options.afterSequence()}. After a cut or closed
     * connection, or one that received nothing (not even the server's ping) for
     * {@code options.idleTimeout()}, it waits {@code options.initialRetry()}, doubled for each attempt in
     * a row that delivers no event up to {@code options.maxRetryDelay()}, and resumes after the last
     * event it delivered. The flux completes after the run's terminal event, or when the server's
     * {@code ack} reports that nothing follows the resume point.
     *
     * <p>It fails with {@link ClientTimeoutException} when {@code options.deadline()} passes, and with
     * {@link StreamGaveUpException} when the server answers {@code resume} with an {@code error} (the
     * cause is an {@link AgentForgeWebSocketException}, such as {@code run_not_found}), closes the
     * connection with 1008 or 1009, or {@code options.maxConsecutiveFailures()} attempts in a row fail.
     * Events arrive on the reading thread and wait in an unbounded buffer when the subscriber requests
     * fewer. Cancelling the subscription closes the connection; the run goes on.
     */
    public Flux<AgentEvent> events(String runId, StreamOptions options) {
        String id = requireRunId(runId);
        Objects.requireNonNull(options, "options");
        return Flux.create(sink -> {
            if (closed) {
                sink.error(new AgentForgeClientException("The client is closed; create a new one to stream run "
                        + id));
                return;
            }
            WebSocketEventReader reader = new WebSocketEventReader(http, webSocketUri, id, options, connectTimeout,
                    sink, readers::remove);
            readers.add(reader);
            reader.start();
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    /**
     * Ends every open event stream with an {@link AgentForgeClientException}, closing its connection,
     * and shuts down the HTTP client when this client created it. The runs go on.
     */
    @Override
    public void close() {
        closed = true;
        for (WebSocketEventReader reader : List.copyOf(readers)) {
            reader.stop(new AgentForgeClientException("The client was closed while it streamed run "
                    + reader.runId() + "; the run goes on"));
        }
        if (ownsHttp) {
            // close() would wait for connections that are still closing; shutdownNow() does not.
            http.shutdownNow();
        }
    }

    // Opens a connection, sends one message with the id "c1", and returns the ack that answers it.
    private JsonNode request(Map<String, Object> message) {
        String type = (String) message.get("type");
        message.put("id", "c1");
        ReplyListener listener = new ReplyListener("c1");
        WebSocket socket;
        try {
            socket = http.newWebSocketBuilder().connectTimeout(connectTimeout).buildAsync(webSocketUri, listener)
                    .get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AgentForgeClientException("Connecting to " + webSocketUri + " failed: " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new AgentForgeClientException("Connecting to " + webSocketUri + " timed out after "
                    + requestTimeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentForgeClientException("Connecting to " + webSocketUri + " was interrupted", e);
        }
        try {
            socket.sendText(EventCodec.mapper().writeValueAsString(message), true);
            JsonNode reply = listener.reply.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (reply.path("type").asString().equals("error")) {
                throw new AgentForgeWebSocketException(reply.path("code").asString(), "The " + type + " message"
                        + " failed with " + reply.path("code").asString() + ": " + reply.path("message").asString());
            }
            return reply;
        } catch (ExecutionException e) {
            throw new AgentForgeClientException("The " + type + " message to " + webSocketUri + " got no answer: "
                    + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AgentForgeClientException("The " + type + " message to " + webSocketUri + " got no answer"
                    + " within " + requestTimeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentForgeClientException("The " + type + " message to " + webSocketUri + " was interrupted", e);
        } finally {
            closeQuietly(socket);
        }
    }

    private void closeQuietly(WebSocket socket) {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            socket.abort();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            socket.abort();
        }
    }

    private static String requireRunId(String runId) {
        Objects.requireNonNull(runId, "runId");
        if (runId.isBlank()) {
            throw new IllegalArgumentException("runId must not be blank");
        }
        return runId;
    }

    // http://host:port/prefix becomes ws://host:port/prefix/v1/ws, and https becomes wss.
    static URI webSocketUri(URI baseUrl) {
        String text = baseUrl.toString();
        String scheme = baseUrl.getScheme().toLowerCase();
        String rest = text.substring(scheme.length());
        String webSocketScheme = switch (scheme) {
            case "http", "ws" -> "ws";
            case "https", "wss" -> "wss";
            default -> throw new IllegalArgumentException("baseUrl must be an http or https URL such as"
                    + " http://127.0.0.1:8080, got '" + baseUrl + "'");
        };
        return URI.create(webSocketScheme + rest + PATH);
    }

    /** Completes {@link #reply} with the {@code ack} or {@code error} that carries the request's id. */
    private static final class ReplyListener implements WebSocket.Listener {
        final CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        private final String requestId;
        private final StringBuilder partial = new StringBuilder();

        ReplyListener(String requestId) {
            this.requestId = requestId;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode message = EventCodec.mapper().readTree(partial.toString());
                    String type = message.path("type").asString();
                    if ((type.equals("ack") || type.equals("error")) && requestId.equals(message.path("id").asString())) {
                        reply.complete(message);
                    }
                } catch (JacksonException e) {
                    reply.completeExceptionally(new AgentForgeClientException("The server sent a message that is"
                            + " not JSON: " + e.getOriginalMessage(), e));
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            reply.completeExceptionally(new AgentForgeClientException("The server closed the connection with "
                    + statusCode + " (" + reason + ") before it answered"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            reply.completeExceptionally(error);
        }
    }

    /** Configures an {@link AgentForgeWebSocketClient}. */
    public static final class Builder {
        private final URI baseUrl;
        private HttpClient http;
        private Duration requestTimeout = AgentForgeClient.DEFAULT_REQUEST_TIMEOUT;
        private Duration connectTimeout = AgentForgeClient.DEFAULT_CONNECT_TIMEOUT;

        private Builder(URI baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            if (baseUrl.getScheme() == null || baseUrl.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an absolute http or https URL such as"
                        + " http://127.0.0.1:8080, got '" + baseUrl + "'");
            }
            String text = baseUrl.toString();
            this.baseUrl = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            webSocketUri(this.baseUrl);
        }

        /** Uses this HTTP client, which the caller keeps and closes. */
        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client, "client");
            return this;
        }

        /** Sets how long {@link #build() the client}'s blocking calls wait for the connection and the answer. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** Sets how long the opening handshake of each connection may take. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        public AgentForgeWebSocketClient build() {
            return new AgentForgeWebSocketClient(this);
        }

        private static Duration positive(Duration duration, String name) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, got " + duration);
            }
            return duration;
        }
    }
}
