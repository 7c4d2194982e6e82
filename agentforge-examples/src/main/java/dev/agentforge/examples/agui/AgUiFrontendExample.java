package dev.agentforge.examples.agui;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.event.EventCodec;
import dev.agentforge.server.AgentServer;
import dev.agentforge.tool.Tool;
import dev.agentforge.transport.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * An AG-UI front end talking to the service: a Java stand-in for a browser app built on
 * {@code @ag-ui/client}. It POSTs an AG-UI {@code RunAgentInput} to {@code /v1/agui}, reads the
 * response's server-sent events with the core {@link SseParser}, prints each AG-UI event as a front
 * end would render it, and assembles the assistant's text from the {@code TEXT_MESSAGE_CONTENT}
 * deltas.
 */
public final class AgUiFrontendExample {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private AgUiFrontendExample() {
    }

    /**
     * The events the front end received: the server's run id header, each AG-UI event type in order, the
     * assembled text, the tool result and the {@code result} of {@code RUN_FINISHED}.
     */
    public record Result(String serverRunId, List<String> eventTypes, String text, String toolResult,
            String finishedResult) {
    }

    public static void main(String[] args) throws Exception {
        run("What is 6 * 7?", System.out);
    }

    /** Starts a server on 127.0.0.1, sends one AG-UI run of this question, prints its events, and returns them. */
    public static Result run(String question, PrintStream out) throws Exception {
        AgentServer server = AgentServer.create(agent()).port(0).start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            Map<String, Object> input = Map.of(
                    "threadId", "thread-1",
                    "runId", "frontend-run-1",
                    "messages", List.of(Map.of("id", "message-1", "role", "user", "content", question)),
                    "tools", List.of(),
                    "context", List.of(),
                    "state", Map.of(),
                    "forwardedProps", Map.of());
            HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/v1/agui"))
                    .timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(EventCodec.mapper().writeValueAsString(input)))
                    .build();
            out.println("user: " + question);
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                String body;
                try (InputStream in = response.body()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                throw new IOException("POST /v1/agui failed with " + response.statusCode() + ": " + body);
            }
            Renderer renderer = new Renderer(out);
            SseParser parser = new SseParser(sse -> renderer.render(EventCodec.mapper().readTree(sse.data())));
            try (InputStream in = response.body()) {
                byte[] buffer = new byte[8192];
                int read;
                while ((read = in.read(buffer)) != -1) {
                    parser.feed(buffer, 0, read);
                }
                parser.end();
            }
            String serverRunId = response.headers().firstValue("X-AgentForge-Run-Id").orElse(null);
            return new Result(serverRunId, List.copyOf(renderer.types), renderer.text.toString(), renderer.toolResult,
                    renderer.finishedResult);
        } finally {
            server.stop();
        }
    }

    /** Prints AG-UI events the way a chat front end shows them, and keeps what it showed. */
    private static final class Renderer {
        private final PrintStream out;
        private final List<String> types = new ArrayList<>();
        private final StringBuilder text = new StringBuilder();
        private String toolResult;
        private String finishedResult;

        Renderer(PrintStream out) {
            this.out = out;
        }

        void render(JsonNode event) {
            String type = event.path("type").asString();
            types.add(type);
            switch (type) {
                case "RUN_STARTED" -> out.println("[run started, server run id "
                        + event.path("metadata").path("agentforge").path("runId").asString() + "]");
                case "REASONING_MESSAGE_CONTENT" -> out.println("(thinking) " + event.path("delta").asString());
                case "TOOL_CALL_START" -> out.println("[calling " + event.path("toolCallName").asString() + "]");
                case "TOOL_CALL_ARGS" -> out.println("  arguments " + event.path("delta").asString());
                case "TOOL_CALL_RESULT" -> {
                    toolResult = event.path("content").asString();
                    out.println("  result " + toolResult);
                }
                case "TEXT_MESSAGE_CONTENT" -> text.append(event.path("delta").asString());
                case "TEXT_MESSAGE_END" -> out.println("assistant: " + text);
                case "RUN_FINISHED" -> {
                    finishedResult = event.path("result").asString();
                    out.println("[run finished: " + event.path("outcome").path("type").asString() + "]");
                }
                case "RUN_ERROR" -> out.println("[run failed: " + event.path("message").asString() + "]");
                default -> {
                    // STEP_*, *_START and *_END events carry nothing to show.
                }
            }
        }
    }

    private static Agent agent() {
        Tool calculator = Tool.builder("calculator")
                .description("Multiplies two whole numbers")
                .parameters("""
                        {"type": "object",
                         "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                         "required": ["a", "b"]}""")
                .handler((arguments, context) -> arguments.get("a").asLong() * arguments.get("b").asLong())
                .build();
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("multiply", "(\\d+) \\* (\\d+)", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("calculator", "{\"a\": " + turn.group(1) + ", \"b\": " + turn.group(2)
                                + "}").withThought("The user asks for a product, so I use the calculator.")
                        : ScriptStep.answer(turn.group(1) + " * " + turn.group(2) + " = " + turn.lastResult().text()))
                .fallback(turn -> ScriptStep.answer("Ask me to multiply, such as \"What is 6 * 7?\""))
                .build();
        return Agent.builder().model(model).modelName("scripted").tools(calculator).build();
    }
}
