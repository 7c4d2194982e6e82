package dev.agentforge.examples.demo;

import dev.agentforge.transport.SseEvent;
import dev.agentforge.transport.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real HTTP client for the demo's API: starts runs and reads their SSE streams to the end. */
final class DemoHttp implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String baseUrl;

    DemoHttp(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Starts a run with {@code POST /v1/runs} and returns the response body. */
    JsonNode startRun(String input) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("input", input))))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new AssertionError("POST /v1/runs returned " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Starts a run and returns every event of its SSE stream, in order. */
    List<SseEvent> run(String input) throws Exception {
        JsonNode started = startRun(input);
        return readEvents(started.get("eventsUrl").asString());
    }

    /** Reads an SSE stream until the server closes it, failing after a bounded wait. */
    List<SseEvent> readEvents(String path) throws Exception {
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " returned " + response.statusCode());
        }
        List<SseEvent> events = new ArrayList<>();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> readAll(response.body(), events),
                command -> Thread.ofVirtual().name("test-sse-reader").start(command));
        try {
            done.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            response.body().close();
            throw new AssertionError("The SSE stream " + path + " did not end within " + TIMEOUT
                    + "; events so far: " + types(events), e);
        } catch (ExecutionException e) {
            throw new AssertionError("Reading the SSE stream " + path + " failed", e.getCause());
        }
        return events;
    }

    private static void readAll(InputStream body, List<SseEvent> events) {
        SseParser parser = new SseParser(event -> {
            synchronized (events) {
                events.add(event);
            }
        });
        byte[] buffer = new byte[4096];
        try (body) {
            int read;
            while ((read = body.read(buffer)) != -1) {
                parser.feed(buffer, 0, read);
            }
            parser.end();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Returns the GET response of a path as JSON. */
    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** Returns the GET response body of a path as text. */
    String getText(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static List<String> types(List<SseEvent> events) {
        synchronized (events) {
            return events.stream().map(SseEvent::event).toList();
        }
    }

    static List<JsonNode> data(List<SseEvent> events, String type) {
        return events.stream().filter(e -> type.equals(e.event())).map(e -> JSON.readTree(e.data())).toList();
    }

    static String tokens(List<SseEvent> events) {
        StringBuilder text = new StringBuilder();
        data(events, "token").forEach(token -> text.append(token.get("text").asString()));
        return text.toString();
    }

    @Override
    public void close() {
        client.close();
    }
}
