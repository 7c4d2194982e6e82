package dev.agentforge.examples.websocket;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AskUserTool;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.client.AgentForgeWebSocketClient;
import dev.agentforge.client.StreamOptions;
import dev.agentforge.event.Action;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.RunCancelled;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.WaitingInput;
import dev.agentforge.server.AgentServer;
import dev.agentforge.tool.Tool;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A chat over the WebSocket endpoint {@code /v1/ws} with {@link AgentForgeWebSocketClient}. The first
 * message books a table: the model calls {@code ask_user}, the chat shows the question, and the user's
 * reply goes back as an {@code input} message. The second message starts a slow archive search, and
 * the user cancels it while the tool works.
 */
public final class WebSocketChatExample {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private WebSocketChatExample() {
    }

    /** The outcome of the two chat turns. */
    public record Result(String bookingAnswer, String question, String cancelReason, List<String> transcript) {
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Starts a server on 127.0.0.1, chats with it, prints the transcript, and returns the outcome. */
    public static Result run(PrintStream out) throws Exception {
        CountDownLatch searchReleased = new CountDownLatch(1);
        AgentServer server = AgentServer.create(agent(searchReleased)).port(0).start();
        try (AgentForgeWebSocketClient chat = AgentForgeWebSocketClient.create(URI.create(server.url()))) {
            List<String> transcript = new CopyOnWriteArrayList<>();
            Consumer<String> say = line -> {
                transcript.add(line);
                out.println(line);
            };

            say.accept("user: Book a table for two");
            String booking = chat.startRun("Book a table for two");
            String[] question = new String[1];
            List<AgentEvent> bookingEvents = chat.events(booking, StreamOptions.defaults().withTimeout(TIMEOUT))
                    .doOnNext(event -> {
                        if (event instanceof WaitingInput waiting) {
                            question[0] = waiting.question();
                            say.accept("agent asks: " + waiting.question());
                            say.accept("user: Friday at 8");
                            chat.sendInput(booking, "Friday at 8");
                        }
                    })
                    .collectList()
                    .block(TIMEOUT);
            String answer = ((RunCompleted) bookingEvents.getLast()).answer();
            say.accept("agent: " + answer);

            say.accept("user: Search the archive for the 1952 menu");
            String search = chat.startRun("Search the archive for the 1952 menu");
            List<AgentEvent> searchEvents = chat.events(search, StreamOptions.defaults().withTimeout(TIMEOUT))
                    .doOnNext(event -> {
                        if (event instanceof Action action) {
                            say.accept("agent is calling " + action.tool());
                            say.accept("user: (cancels)");
                            chat.cancel(search, "the user cancelled the search");
                        }
                    })
                    .collectList()
                    .block(TIMEOUT);
            String cancelReason = ((RunCancelled) searchEvents.getLast()).reason();
            say.accept("agent: run cancelled (" + cancelReason + ")");
            return new Result(answer, question[0], cancelReason, List.copyOf(transcript));
        } finally {
            searchReleased.countDown();
            server.stop();
        }
    }

    private static Agent agent(CountDownLatch searchReleased) {
        Tool archive = Tool.builder("search_archive")
                .description("Searches the restaurant's archive; slow")
                .parameters("""
                        {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}""")
                .handler((arguments, context) -> {
                    // Stands for a slow search: it waits until it is cancelled, or the example ends.
                    searchReleased.await(30, TimeUnit.SECONDS);
                    return "No menu from 1952 in the archive";
                })
                .build();
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("book", "(?i)book", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("ask_user", "{\"question\":\"Which day and time?\"}")
                        : ScriptStep.answer("Booked a table for two on " + turn.lastResult().text()))
                .rule("search", "(?i)search the archive for (.+)", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("search_archive", "{\"query\":\"" + turn.group(1) + "\"}")
                        : ScriptStep.answer(turn.lastResult().text()))
                .build();
        return Agent.builder().model(model).modelName("scripted").tools(AskUserTool.create(), archive).build();
    }
}
