package dev.agentforge.examples.batching;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentforge.resource.Batcher;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Batching single lookups into batch requests. A local HTTP server on 127.0.0.1 serves
 * {@code GET /users?ids=1,2,3} with a JSON object from id to name, and a {@link Batcher} collects 30
 * single lookups, two of them for the same id and one for an unknown id, into a few requests.
 */
public final class BatchingExample {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BatchingExample() {
    }

    /**
     * The outcome of the run.
     *
     * @param lookups the number of {@code load} calls
     * @param httpRequests the number of batch requests the server received
     * @param names the name or error of each lookup, in lookup order
     */
    public record Result(int lookups, int httpRequests, List<String> names) {
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Starts the server, runs the lookups, prints each result and the request count, and stops the server. */
    public static Result run(PrintStream out) throws Exception {
        AtomicInteger httpRequests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/users", exchange -> serveUsers(exchange, httpRequests));
        server.start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/users");
            Batcher<Integer, String> users = Batcher.<Integer, String>builder(ids -> fetchUsers(http, endpoint, ids))
                    .name("users")
                    .maxBatchSize(10)
                    .maxWait(Duration.ofMillis(50))
                    .build();

            List<Integer> ids = new ArrayList<>();
            for (int id = 1; id <= 28; id++) {
                ids.add(id);
            }
            ids.add(7);
            ids.add(404);
            List<CompletableFuture<String>> lookups = ids.stream().map(users::load).toList();
            users.close();

            List<String> names = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                String name = lookups.get(i).handle((value, error) -> value != null ? value
                        : "error: " + (error instanceof CompletionException ? error.getCause() : error).getMessage()).join();
                names.add(name);
                out.println("user " + ids.get(i) + " -> " + name);
            }
            out.println(ids.size() + " lookups were served by " + httpRequests.get() + " HTTP requests");
            return new Result(ids.size(), httpRequests.get(), names);
        } finally {
            server.stop(0);
        }
    }

    private static CompletionStage<Map<Integer, String>> fetchUsers(HttpClient http, URI endpoint, List<Integer> ids) {
        String query = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "?ids=" + query)).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + request.uri() + " failed with HTTP " + response.statusCode());
            }
            return JSON.readValue(response.body(), new TypeReference<Map<Integer, String>>() { });
        });
    }

    // Returns the users with ids from 1 to 100; other ids are left out of the response.
    private static void serveUsers(HttpExchange exchange, AtomicInteger requests) throws IOException {
        requests.incrementAndGet();
        String query = exchange.getRequestURI().getQuery();
        Map<String, String> found = new LinkedHashMap<>();
        for (String id : query.substring("ids=".length()).split(",")) {
            int number = Integer.parseInt(id);
            if (number >= 1 && number <= 100) {
                found.put(id, "User " + number);
            }
        }
        byte[] body = JSON.writeValueAsBytes(found);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream output = exchange.getResponseBody()) {
            output.write(body);
        }
    }
}
