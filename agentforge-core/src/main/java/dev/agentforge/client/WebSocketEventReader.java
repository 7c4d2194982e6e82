package dev.agentforge.client;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.FluxSink;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads one run's events over {@code /v1/ws} on its own virtual thread and reconnects until the run's
 * terminal event. Each connection sends {@code resume} with the last sequence number delivered. Events
 * are delivered by sequence number: a repeated one is dropped, and a gap makes the reader reconnect
 * from the last event it delivered, so each event arrives once. The reader requests the next message
 * from the JDK WebSocket only after it handled the previous one, so a slow subscriber slows the socket
 * rather than growing a queue here.
 */
final class WebSocketEventReader {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketEventReader.class);

    /** The id of the {@code resume} message on every connection. */
    private static final String RESUME_ID = "resume";

    /** The maximum wait of one poll, so that a disposal or a deadline is noticed within about a second. */
    private static final long MAX_POLL_MILLIS = 1000;

    private final HttpClient http;
    private final URI uri;
    private final String runId;
    private final StreamOptions options;
    private final Duration connectTimeout;
    private final FluxSink<AgentEvent> sink;
    private final Consumer<WebSocketEventReader> onDisposed;
    private final CountDownLatch disposedLatch = new CountDownLatch(1);

    private volatile boolean disposed;
    private volatile WebSocket socket;
    private volatile Thread thread;

    // Written and read only by the reading thread.
    private long lastSequence;
    private int attempts;
    private int consecutiveFailures;
    private boolean progressed;

    /** A message, close, failure or ping that the listener passes to the reading thread. */
    private sealed interface Incoming {
    }

    private record Message(JsonNode json) implements Incoming {
    }

    private record Closed(int statusCode, String reason) implements Incoming {
    }

    private record Failed(Throwable error) implements Incoming {
    }

    /** Activity that is no message, such as a ping; it only resets the idle timer. */
    private record Activity() implements Incoming {
    }

    /** The end of one connection: done, or retry after a failure. */
    private record Outcome(boolean done, Throwable failure) {

        static final Outcome DONE = new Outcome(true, null);

        static Outcome retry(Throwable failure) {
            return new Outcome(false, failure);
        }
    }

    WebSocketEventReader(HttpClient http, URI uri, String runId, StreamOptions options, Duration connectTimeout,
            FluxSink<AgentEvent> sink, Consumer<WebSocketEventReader> onDisposed) {
        this.http = http;
        this.uri = uri;
        this.runId = runId;
        this.options = options;
        this.connectTimeout = connectTimeout;
        this.sink = sink;
        this.onDisposed = onDisposed;
        this.lastSequence = options.afterSequence();
    }

    void start() {
        sink.onDispose(this::dispose);
        thread = Thread.ofVirtual().name("agentforge-client-ws-" + runId).start(this::run);
    }

    String runId() {
        return runId;
    }

    /** Ends the stream with this error and closes the connection, as when the client closes. */
    void stop(AgentForgeClientException error) {
        dispose();
        sink.error(error);
    }

    // Runs when the subscription is cancelled or the flux terminates, and on stop.
    private void dispose() {
        disposed = true;
        onDisposed.accept(this);
        disposedLatch.countDown();
        WebSocket current = socket;
        if (current != null) {
            current.abort();
        }
        Thread reader = thread;
        if (reader != null && reader != Thread.currentThread()) {
            reader.interrupt();
        }
    }

    private void run() {
        try {
            readUntilDone();
        } catch (StreamGaveUpException e) {
            LOG.warn("Stopped streaming the events of run {} over WebSocket: {}", runId, e.getMessage());
            sink.error(e);
        } catch (InterruptedException e) {
            if (!disposed) {
                sink.error(giveUp("the reading thread was interrupted", e));
            }
        } catch (RuntimeException e) {
            LOG.error("Streaming the events of run {} over WebSocket failed unexpectedly", runId, e);
            sink.error(e);
        }
    }

    private void readUntilDone() throws InterruptedException {
        Throwable lastFailure = null;
        while (!disposed) {
            if (deadlinePassed()) {
                throw timeout(lastFailure);
            }
            attempts++;
            progressed = false;
            Outcome outcome = connectOnce();
            if (disposed) {
                return;
            }
            if (outcome.done()) {
                sink.complete();
                return;
            }
            lastFailure = outcome.failure();
            consecutiveFailures = progressed ? 0 : consecutiveFailures + 1;
            if (deadlinePassed()) {
                throw timeout(lastFailure);
            }
            if (consecutiveFailures >= options.maxConsecutiveFailures()) {
                throw giveUp(consecutiveFailures + " connection attempts in a row failed, the last with: "
                        + describe(lastFailure), lastFailure);
            }
            long delay = delayMillis();
            Instant deadline = options.deadline();
            if (deadline != null && Instant.now().plusMillis(delay).isAfter(deadline)) {
                throw timeout(lastFailure);
            }
            LOG.info("WebSocket stream of run {} ended before the run's last event ({}); reconnecting in {} ms after"
                    + " sequence {} (attempt {})", runId, describe(lastFailure), delay, lastSequence, attempts + 1);
            if (disposedLatch.await(delay, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    // The initial retry delay, doubled for each further attempt in a row that delivered no event.
    private long delayMillis() {
        long delay = options.initialRetry().toMillis();
        long max = Math.max(options.maxRetryDelay().toMillis(), delay);
        for (int i = 1; i < consecutiveFailures && delay < max; i++) {
            delay *= 2;
        }
        return Math.min(delay, max);
    }

    private Outcome connectOnce() throws InterruptedException {
        BlockingQueue<Incoming> incoming = new LinkedBlockingQueue<>();
        WebSocket current;
        try {
            current = http.newWebSocketBuilder().connectTimeout(connectTimeout)
                    .buildAsync(uri, new Listener(incoming))
                    .get(connectTimeout.toMillis() + MAX_POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return Outcome.retry(e.getCause());
        } catch (TimeoutException e) {
            return Outcome.retry(new IOException("connecting to " + uri + " timed out", e));
        }
        socket = current;
        try {
            if (disposed) {
                return Outcome.DONE;
            }
            String resume = "{\"type\":\"resume\",\"id\":\"" + RESUME_ID + "\",\"runId\":"
                    + EventCodec.mapper().writeValueAsString(runId) + ",\"after\":" + lastSequence + "}";
            current.sendText(resume, true);
            return read(current, incoming);
        } finally {
            socket = null;
            current.abort();
        }
    }

    private Outcome read(WebSocket current, BlockingQueue<Incoming> incoming) throws InterruptedException {
        long lastActivityNanos = System.nanoTime();
        while (!disposed) {
            long idleLeftMillis = options.idleTimeout().toMillis()
                    - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivityNanos);
            if (idleLeftMillis <= 0) {
                LOG.info("WebSocket stream of run {} received nothing for {} ms; dropping the connection to"
                        + " reconnect", runId, options.idleTimeout().toMillis());
                return Outcome.retry(new IOException("the connection received nothing for "
                        + options.idleTimeout().toMillis() + " ms"));
            }
            if (deadlinePassed()) {
                return Outcome.retry(new IOException("the deadline passed while reading"));
            }
            Incoming next = incoming.poll(Math.min(idleLeftMillis, MAX_POLL_MILLIS), TimeUnit.MILLISECONDS);
            if (next == null) {
                continue;
            }
            lastActivityNanos = System.nanoTime();
            switch (next) {
                case Activity activity -> {
                    // A ping: the connection is alive.
                }
                case Failed failed -> {
                    return Outcome.retry(failed.error());
                }
                case Closed closed -> {
                    return closedOutcome(closed);
                }
                case Message message -> {
                    Outcome outcome = handle(message.json());
                    if (outcome != null) {
                        return outcome;
                    }
                    current.request(1);
                }
            }
        }
        return Outcome.DONE;
    }

    // Returns how the connection ends after this message, or null to read on.
    private Outcome handle(JsonNode message) {
        switch (message.path("type").asString()) {
            case "event" -> {
                return onEvent(message);
            }
            case "ack" -> {
                if (RESUME_ID.equals(message.path("id").asString()) && message.path("complete").asBoolean(false)) {
                    // Nothing follows the resume point: the run had ended by then.
                    return Outcome.DONE;
                }
                return null;
            }
            case "error" -> {
                AgentForgeWebSocketException error = new AgentForgeWebSocketException(message.path("code").asString(),
                        message.path("message").asString());
                throw giveUp("the server rejected the resume message with " + error.code() + ": "
                        + error.getMessage(), error);
            }
            case "notice" -> {
                onNotice(message.path("notice"));
                return null;
            }
            default -> {
                LOG.debug("Ignored a WebSocket message of type {} on the stream of run {}",
                        message.path("type").asString(), runId);
                return null;
            }
        }
    }

    private Outcome onEvent(JsonNode message) {
        long sequence = message.path("sequence").asLong(-1);
        if (sequence <= lastSequence) {
            return null;
        }
        if (sequence != lastSequence + 1) {
            return Outcome.retry(new IOException("the stream skipped events after sequence " + lastSequence));
        }
        AgentEvent event = null;
        try {
            event = EventCodec.fromJson(message.path("event").toString());
        } catch (IllegalArgumentException e) {
            // A newer server may send event types this client does not know; skipping one keeps the resume point.
            LOG.warn("Skipped an event of run {} that this client cannot read (sequence {}, type {}): {}", runId,
                    sequence, message.path("event").path("type").asString(), e.getMessage());
        }
        lastSequence = sequence;
        progressed = true;
        if (event == null) {
            return null;
        }
        sink.next(event);
        return event.terminal() ? Outcome.DONE : null;
    }

    // An events_lost notice names events that the server's log no longer holds. They can never be
    // delivered, so the reader moves its resume point past them instead of reconnecting for them forever.
    private void onNotice(JsonNode notice) {
        String type = notice.path("type").asString();
        if (type.equals("events_lost")) {
            long toSequence = notice.path("toSequence").asLong(-1);
            if (toSequence > lastSequence) {
                LOG.warn("The server no longer holds events {} to {} of run {}; they are skipped",
                        lastSequence + 1, toSequence, runId);
                lastSequence = toSequence;
            }
        } else {
            LOG.debug("Notice on the WebSocket stream of run {}: {}", runId, notice);
        }
    }

    private Outcome closedOutcome(Closed closed) {
        IOException failure = new IOException("the server closed the connection with " + closed.statusCode()
                + (closed.reason() == null || closed.reason().isEmpty() ? "" : " (" + closed.reason() + ")"));
        // 1008 and 1009 answer a message this client sent; sending it again would fail the same way.
        if (closed.statusCode() == 1008 || closed.statusCode() == 1009) {
            throw giveUp(failure.getMessage(), failure);
        }
        return Outcome.retry(failure);
    }

    private boolean deadlinePassed() {
        Instant deadline = options.deadline();
        return deadline != null && !Instant.now().isBefore(deadline);
    }

    private ClientTimeoutException timeout(Throwable lastFailure) {
        return new ClientTimeoutException("The deadline " + options.deadline() + " passed before run " + runId
                + " ended, after " + attempts + " connection attempts; the last event received was #" + lastSequence
                + (lastFailure == null ? "" : " and the last failure was: " + describe(lastFailure))
                + ". The run goes on: stream again with afterSequence(" + lastSequence + ") or cancel it",
                runId, lastSequence, attempts, options.deadline(), lastFailure);
    }

    private StreamGaveUpException giveUp(String reason, Throwable cause) {
        return new StreamGaveUpException("Gave up streaming the events of run " + runId + " over WebSocket after "
                + attempts + " connection attempts: " + reason + ". The last event received was #" + lastSequence
                + "; stream again with afterSequence(" + lastSequence + ") to resume", runId, lastSequence, attempts,
                cause);
    }

    private static String describe(Throwable failure) {
        if (failure == null) {
            return "no error";
        }
        String message = failure.getMessage();
        return message == null ? failure.getClass().getName() : message;
    }

    /**
     * Hands whole text messages, closes and failures to the reading thread. It requests a ping's
     * successor itself, and a text message's only after the reading thread handled it.
     */
    private static final class Listener implements WebSocket.Listener {
        private final BlockingQueue<Incoming> incoming;
        private final StringBuilder partial = new StringBuilder();

        Listener(BlockingQueue<Incoming> incoming) {
            this.incoming = incoming;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (!last) {
                webSocket.request(1);
                return null;
            }
            String text = partial.toString();
            partial.setLength(0);
            try {
                incoming.add(new Message(EventCodec.mapper().readTree(text)));
            } catch (JacksonException e) {
                incoming.add(new Failed(new IOException("the server sent a message that is not JSON: "
                        + e.getOriginalMessage(), e)));
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            // The JDK WebSocket answers the ping with a pong on its own.
            incoming.add(new Activity());
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            incoming.add(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            incoming.add(new Failed(error));
        }
    }
}
