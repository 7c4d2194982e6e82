package dev.agentforge.examples.sse;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentforge.agent.Agent;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.client.AgentForgeClient;
import dev.agentforge.client.StartedRun;
import dev.agentforge.client.StreamOptions;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.EventCodec;
import dev.agentforge.server.AgentServer;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * A browser page whose {@code EventSource} shows a run's events as they arrive. A small JDK
 * {@link HttpServer} on 127.0.0.1 serves the page at {@code /} and forwards {@code /v1/} to the
 * {@link AgentServer}, so the page and the API share one origin and need no CORS. The forwarding
 * copies the SSE body as it arrives, flushing after each read, and passes {@code Last-Event-ID}, so
 * the browser's reconnects resume.
 */
public final class SseBrowserExample {

    /** The page: a form that starts a run, and a list that shows each event of its stream. */
    static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>AgentForge run events</title></head>
            <body>
              <form id="ask"><input id="input" value="What is 2 + 3?" size="40"> <button>Run</button></form>
              <p id="answer"></p>
              <ol id="events"></ol>
              <script>
                document.getElementById("ask").addEventListener("submit", async (submit) => {
                  submit.preventDefault();
                  const list = document.getElementById("events");
                  list.replaceChildren();
                  const response = await fetch("/v1/runs", {
                    method: "POST",
                    headers: {"Content-Type": "application/json"},
                    body: JSON.stringify({input: document.getElementById("input").value}),
                  });
                  const run = await response.json();
                  const source = new EventSource("/v1/runs/" + encodeURIComponent(run.runId) + "/events");
                  const show = (message) => {
                    const event = JSON.parse(message.data);
                    const item = document.createElement("li");
                    item.textContent = event.sequence + " " + event.type + " " + message.data;
                    list.append(item);
                    if (event.type === "done") document.getElementById("answer").textContent = event.answer;
                    if (["done", "cancelled"].includes(event.type) || (event.type === "error" && event.fatal)) {
                      source.close();
                    }
                  };
                  for (const type of ["run_started", "thought", "token", "action", "observation", "progress",
                                      "waiting_input", "error", "done", "cancelled"]) {
                    source.addEventListener(type, show);
                  }
                });
              </script>
            </body>
            </html>
            """;

    // Hop-by-hop headers, and those that the JDK HttpServer sets itself.
    private static final Set<String> SKIPPED_HEADERS = Set.of("connection", "content-length", "transfer-encoding",
            "keep-alive", "host", "upgrade", "date");

    private SseBrowserExample() {
    }

    /** The outcome of {@link #run}: the page, the run's id and every event of its stream. */
    public record Result(URI pageUrl, String page, String runId, List<AgentEvent> events) {
    }

    /** The running agent server and the page server in front of it. */
    public static final class Site implements AutoCloseable {
        private final AgentServer agentServer;
        private final HttpServer pageServer;
        private final HttpClient http = HttpClient.newHttpClient();

        private Site(AgentServer agentServer, int port) throws IOException {
            this.agentServer = agentServer;
            this.pageServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            pageServer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            pageServer.createContext("/", this::servePage);
            pageServer.createContext("/v1/", this::forward);
            pageServer.start();
        }

        /** Returns the page's URL, such as {@code http://127.0.0.1:40123/}. */
        public URI url() {
            return URI.create("http://127.0.0.1:" + pageServer.getAddress().getPort() + "/");
        }

        private void servePage(HttpExchange exchange) throws IOException {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().equals("/")) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        }

        // Forwards one request to the agent server and copies the response as it arrives.
        private void forward(HttpExchange exchange) throws IOException {
            try (exchange) {
                String query = exchange.getRequestURI().getRawQuery();
                URI target = URI.create(agentServer.url() + exchange.getRequestURI().getRawPath()
                        + (query == null ? "" : "?" + query));
                byte[] requestBody = exchange.getRequestBody().readAllBytes();
                HttpRequest.Builder request = HttpRequest.newBuilder(target)
                        .method(exchange.getRequestMethod(), requestBody.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(requestBody));
                for (String name : List.of("Content-Type", "Accept", "Last-Event-ID")) {
                    String value = exchange.getRequestHeaders().getFirst(name);
                    if (value != null) {
                        request.header(name, value);
                    }
                }
                HttpResponse<InputStream> response;
                try {
                    response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
                    if (!SKIPPED_HEADERS.contains(header.getKey().toLowerCase())) {
                        exchange.getResponseHeaders().put(header.getKey(), header.getValue());
                    }
                }
                int status = response.statusCode();
                boolean noBody = status == 204 || status == 304 || exchange.getRequestMethod().equals("HEAD");
                // Length 0 makes the JDK server send the body chunked, so each flush reaches the browser.
                exchange.sendResponseHeaders(status, noBody ? -1 : 0);
                try (InputStream in = response.body()) {
                    if (noBody) {
                        return;
                    }
                    OutputStream out = exchange.getResponseBody();
                    byte[] buffer = new byte[8192];
                    int read;
                    while ((read = in.read(buffer)) != -1) {
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                }
            }
        }

        @Override
        public void close() {
            pageServer.stop(0);
            http.close();
            agentServer.stop();
        }
    }

    public static void main(String[] args) throws Exception {
        try (Site site = start(0)) {
            run(site, System.out);
            System.out.println("Open " + site.url() + " in a browser to watch a run's events; press Enter to stop.");
            System.in.read();
        }
    }

    /** Starts the agent server on a free port and the page server on 127.0.0.1 at this port, 0 for a free one. */
    public static Site start(int port) throws IOException {
        AgentServer agentServer = AgentServer.create(agent()).port(0).start();
        try {
            return new Site(agentServer, port);
        } catch (IOException | RuntimeException e) {
            agentServer.stop();
            throw e;
        }
    }

    /** Starts the site on free ports, runs {@link #run(Site, PrintStream)}, and stops it. */
    public static Result run(PrintStream out) throws Exception {
        try (Site site = start(0)) {
            return run(site, out);
        }
    }

    /**
     * Fetches the page as a browser would, then does what its script does with the Java client:
     * starts a run through the page's origin and reads the run's SSE stream, printing each event.
     */
    public static Result run(Site site, PrintStream out) throws Exception {
        String page;
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(site.url()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            page = response.body();
            out.println("GET " + site.url() + " -> " + response.statusCode() + ", " + page.length() + " chars of HTML");
        }
        URI origin = URI.create(site.url().toString().replaceAll("/$", ""));
        try (AgentForgeClient client = AgentForgeClient.create(origin)) {
            StartedRun run = client.startRun("What is 2 + 3?");
            List<AgentEvent> events = client.events(run.runId(), StreamOptions.defaults()
                            .withTimeout(Duration.ofSeconds(30)))
                    .doOnNext(event -> out.println(EventCodec.toJson(event)))
                    .collectList()
                    .block();
            return new Result(site.url(), page, run.runId(), events);
        }
    }

    private static Agent agent() {
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("sum", "What is (\\d+) \\+ (\\d+)", turn -> ScriptStep.answer(turn.group(1) + " + "
                        + turn.group(2) + " = " + (Integer.parseInt(turn.group(1)) + Integer.parseInt(turn.group(2)))))
                .fallback(turn -> ScriptStep.answer("I can add two numbers; ask \"What is 2 + 3?\""))
                .build();
        return Agent.builder().model(model).modelName("scripted").build();
    }
}
