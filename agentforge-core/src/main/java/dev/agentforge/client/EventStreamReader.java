package dev.agentforge.client;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.EventCodec;
import dev.agentforge.transport.SseEvent;
import dev.agentforge.transport.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.FluxSink;

/**
 * Reads one run's event stream on its own virtual thread and reconnects until the run's terminal
 * event: after a cut connection, a silent one or a 5xx response it waits for the server's
 * {@code retry} hint (doubled for each further attempt in a row that delivers no event, up to
 * {@link StreamOptions#maxRetryDelay()}, and at least a 503's {@code Retry-After}), then resumes
 * with {@code Last-Event-ID}. Events are delivered by sequence number: a repeated one is dropped,
 * and a gap makes the reader reconnect from the last event it delivered, so each event arrives once.
 */
final class EventStreamReader {

    private static final Logger LOG = LoggerFactory.getLogger(EventStreamReader.class);

    private final HttpClient http;
    private final URI eventsUri;
    private final String runId;
    private final StreamOptions options;
    private final Duration requestTimeout;
    private final ScheduledExecutorService timer;
    private final FluxSink<AgentEvent> sink;
    private final CountDownLatch disposedLatch = new CountDownLatch(1);

    private volatile boolean disposed;
    private volatile InputStream connection;
    private volatile long lastByteNanos;
    private volatile Thread thread;

    // Written and read only by the reading thread.
    private long lastSequence;
    private int attempts;
    private int consecutiveFailures;
    private long retryMillis;
    private boolean terminalSeen;
    private boolean gapSeen;
    private boolean progressed;

    /** How one connection ended. */
    private record Outcome(boolean done, Throwable failure, long minimumDelayMillis) {

        static final Outcome DONE = new Outcome(true, null, 0);

        static Outcome retry(Throwable failure, long minimumDelayMillis) {
            return new Outcome(false, failure, minimumDelayMillis);
        }
    }

    EventStreamReader(HttpClient http, URI eventsUri, String runId, StreamOptions options, Duration requestTimeout,
            ScheduledExecutorService timer, FluxSink<AgentEvent> sink) {
        this.http = http;
        this.eventsUri = eventsUri;
        this.runId = runId;
        this.options = options;
        this.requestTimeout = requestTimeout;
        this.timer = timer;
        this.sink = sink;
        this.lastSequence = options.afterSequence();
        this.retryMillis = options.initialRetry().toMillis();
    }

    void start() {
        sink.onDispose(this::dispose);
        thread = Thread.ofVirtual().name("agentforge-client-events-" + runId).start(this::run);
    }

    private void dispose() {
        disposed = true;
        disposedLatch.countDown();
        closeConnection();
        Thread reader = thread;
        if (reader != null && reader != Thread.currentThread()) {
            reader.interrupt();
        }
    }

    private void run() {
        long checkMillis = Math.max(10, Math.min(1000, options.idleTimeout().toMillis() / 4));
        ScheduledFuture<?> watchdog = timer.scheduleAtFixedRate(this::watch, checkMillis, checkMillis,
                TimeUnit.MILLISECONDS);
        try {
            readUntilDone();
        } catch (StreamGaveUpException e) {
            LOG.warn("Stopped streaming the events of run {}: {}", runId, e.getMessage());
            sink.error(e);
        } catch (InterruptedException e) {
            if (!disposed) {
                sink.error(giveUp("the reading thread was interrupted", e));
            }
        } catch (RuntimeException e) {
            LOG.error("Streaming the events of run {} failed unexpectedly", runId, e);
            sink.error(e);
        } finally {
            watchdog.cancel(false);
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
            long delay = Math.max(delayMillis(), outcome.minimumDelayMillis());
            Instant deadline = options.deadline();
            if (deadline != null && Instant.now().plusMillis(delay).isAfter(deadline)) {
                throw timeout(lastFailure);
            }
            LOG.info("Event stream of run {} ended before the run's last event ({}); reconnecting in {} ms after"
                    + " sequence {} (attempt {})", runId, describe(lastFailure), delay, lastSequence, attempts + 1);
            if (disposedLatch.await(delay, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    // The server's retry hint for the first attempt after a connection that delivered events, then
    // doubled for each attempt in a row that delivered none.
    private long delayMillis() {
        long delay = retryMillis;
        long max = Math.max(options.maxRetryDelay().toMillis(), retryMillis);
        for (int i = 1; i < consecutiveFailures && delay < max; i++) {
            delay *= 2;
        }
        return Math.min(delay, max);
    }

    private Outcome connectOnce() throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(eventsUri)
                .header("Accept", "text/event-stream")
                .header("Cache-Control", "no-cache")
                .timeout(headersTimeout())
                .GET();
        if (lastSequence > 0) {
            request.header("Last-Event-ID", runId + ":" + lastSequence);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return Outcome.retry(e, 0);
        }
        int status = response.statusCode();
        if (status == 204) {
            closeQuietly(response.body());
            return Outcome.DONE;
        }
        if (status != 200) {
            AgentForgeApiException error = AgentForgeClient.apiError("GET " + eventsUri.getPath(), status,
                    readBody(response.body()));
            if (status >= 500 || status == 429) {
                long retryAfter = response.headers().firstValue("Retry-After").map(EventStreamReader::seconds)
                        .orElse(0L);
                return Outcome.retry(error, retryAfter * 1000);
            }
            throw giveUp("the server rejected the stream request with " + status
                    + (error.code() == null ? "" : " " + error.code()) + ": " + error.getMessage(), error);
        }
        return read(response.body());
    }

    private Outcome read(InputStream body) {
        connection = body;
        lastByteNanos = System.nanoTime();
        gapSeen = false;
        SseParser parser = new SseParser(this::onSseEvent);
        byte[] buffer = new byte[8192];
        Throwable failure;
        try (body) {
            int read;
            while ((read = body.read(buffer)) != -1) {
                lastByteNanos = System.nanoTime();
                parser.feed(buffer, 0, read);
                if (parser.retryMillis() != null) {
                    retryMillis = parser.retryMillis();
                }
                if (terminalSeen) {
                    return Outcome.DONE;
                }
                if (gapSeen) {
                    return Outcome.retry(new IOException("the stream skipped events after sequence " + lastSequence),
                            0);
                }
            }
            failure = new IOException("the server closed the stream before the run's last event");
        } catch (IOException e) {
            failure = e;
        } finally {
            connection = null;
        }
        if (terminalSeen) {
            return Outcome.DONE;
        }
        if (disposed) {
            return Outcome.DONE;
        }
        return Outcome.retry(failure, 0);
    }

    private void onSseEvent(SseEvent sse) {
        if (terminalSeen || gapSeen || disposed) {
            return;
        }
        long sequence = sequenceOf(sse);
        AgentEvent event = null;
        try {
            event = EventCodec.fromJson(sse.data());
            sequence = event.sequence();
        } catch (IllegalArgumentException e) {
            // A newer server may send event types this client does not know; skipping one keeps the resume point.
            LOG.warn("Skipped an event of run {} that this client cannot read (SSE id {}, type {}): {}", runId,
                    sse.id(), sse.event(), e.getMessage());
        }
        if (sequence <= lastSequence) {
            return;
        }
        if (sequence != lastSequence + 1) {
            gapSeen = true;
            closeConnection();
            return;
        }
        lastSequence = sequence;
        progressed = true;
        if (event == null) {
            return;
        }
        sink.next(event);
        if (event.terminal()) {
            terminalSeen = true;
        }
    }

    // The SSE id is <runId>:<sequence>; -1 when it is missing or malformed.
    private static long sequenceOf(SseEvent sse) {
        String id = sse.id();
        if (id == null) {
            return -1;
        }
        int colon = id.lastIndexOf(':');
        try {
            return Long.parseLong(id.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // Runs on the timer: drops a silent connection, and the current one once the deadline has passed.
    private void watch() {
        InputStream current = connection;
        if (current == null) {
            return;
        }
        long silentNanos = System.nanoTime() - lastByteNanos;
        if (deadlinePassed()) {
            closeConnection();
        } else if (silentNanos > options.idleTimeout().toNanos()) {
            LOG.info("Event stream of run {} sent nothing for {} ms; dropping the connection to reconnect", runId,
                    TimeUnit.NANOSECONDS.toMillis(silentNanos));
            closeConnection();
        }
    }

    private void closeConnection() {
        closeQuietly(connection);
    }

    private Duration headersTimeout() {
        Instant deadline = options.deadline();
        if (deadline == null) {
            return requestTimeout;
        }
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            return Duration.ofMillis(1);
        }
        return left.compareTo(requestTimeout) < 0 ? left : requestTimeout;
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
        return new StreamGaveUpException("Gave up streaming the events of run " + runId + " after " + attempts
                + " connection attempts: " + reason + ". The last event received was #" + lastSequence
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

    private static long seconds(String value) {
        try {
            return Math.max(0, Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String readBody(InputStream body) {
        try (body) {
            return new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(InputStream stream) {
        if (stream == null) {
            return;
        }
        try {
            stream.close();
        } catch (IOException e) {
            LOG.debug("Closing an event stream connection failed", e);
        }
    }
}
