package dev.agentforge.server;

import dev.agentforge.transport.SseEvent;
import dev.agentforge.transport.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test client for one SSE response: a reader thread feeds the body to {@link SseParser} and keeps
 * the raw text, so tests can check both the parsed events and the exact bytes on the wire.
 */
public final class SseTestClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();
    private final StringBuffer raw = new StringBuffer();
    private final CountDownLatch ended = new CountDownLatch(1);

    private SseTestClient(HttpResponse<InputStream> response) {
        this.response = response;
        Thread.ofVirtual().name("test-sse-reader").start(this::read);
    }

    /** Opens an SSE stream with extra request headers, such as Last-Event-ID. */
    public static SseTestClient open(HttpClient client, URI uri, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().header("Accept", "text/event-stream");
        headers.forEach(request::header);
        return new SseTestClient(client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    public static SseTestClient open(HttpClient client, URI uri) throws IOException, InterruptedException {
        return open(client, uri, Map.of());
    }

    private void read() {
        SseParser parser = new SseParser(events::add);
        byte[] buffer = new byte[4096];
        try (InputStream body = response.body()) {
            int read;
            while ((read = body.read(buffer)) != -1) {
                raw.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                parser.feed(buffer, 0, read);
            }
            parser.end();
        } catch (IOException e) {
            // The test closed the stream, or the server dropped it. Both end the read, which ended records.
        } finally {
            ended.countDown();
        }
    }

    public int statusCode() {
        return response.statusCode();
    }

    public HttpHeaders headers() {
        return response.headers();
    }

    /** Returns the next event, failing the test if none arrives within the timeout. */
    public SseEvent next() throws InterruptedException {
        SseEvent event = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("No SSE event arrived within " + TIMEOUT + "; received so far:\n" + raw);
        }
        return event;
    }

    /** Returns every event until the server ends the response, failing if it stays open past the timeout. */
    public List<SseEvent> readToEnd() throws InterruptedException {
        if (!ended.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("The SSE response did not end within " + TIMEOUT + "; received so far:\n" + raw);
        }
        List<SseEvent> rest = new ArrayList<>();
        events.drainTo(rest);
        return rest;
    }

    /** Returns whether the response has ended, because the server ended it or the client closed it. */
    public boolean ended() {
        return ended.getCount() == 0;
    }

    /** Returns the body text received so far. */
    public String raw() {
        return raw.toString();
    }

    @Override
    public void close() throws IOException {
        response.body().close();
    }
}
