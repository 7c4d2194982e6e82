package dev.agentforge.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.AskUserTool;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.client.AgentForgeWebSocketClient;
import dev.agentforge.client.AgentForgeWebSocketException;
import dev.agentforge.client.StreamGaveUpException;
import dev.agentforge.client.StreamOptions;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.Token;
import dev.agentforge.event.WaitingInput;
import dev.agentforge.server.AgentServer;
import dev.agentforge.server.transport.SteppedModel;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * Runs {@link AgentForgeWebSocketClient} against a real {@link AgentServer}: a run that keeps emitting
 * while {@link CuttingProxy} resets the connection twice, a run that calls {@code ask_user}, and the errors.
 */
class WebSocketClientTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
    }

    private AgentServer start(Agent agent) {
        AgentServer server = AgentServer.create(agent).port(0).start();
        closeables.add(server);
        return server;
    }

    private AgentForgeWebSocketClient client(String baseUrl) {
        AgentForgeWebSocketClient client = AgentForgeWebSocketClient.builder(URI.create(baseUrl))
                .requestTimeout(Duration.ofSeconds(20))
                .build();
        closeables.add(client);
        return client;
    }

    private static StreamOptions fastRetry() {
        return StreamOptions.defaults().withInitialRetry(Duration.ofMillis(100)).withTimeout(WAIT);
    }

    @Test
    void cutsResumeEachEventOnce() throws Exception {
        int tokens = 300;
        SteppedModel model = new SteppedModel(tokens, i -> "t" + i + " ");
        Agent agent = Agent.builder().model(model).modelName("stepped").build();
        AgentServer server = start(agent);
        CuttingProxy proxy = CuttingProxy.start(server.port());
        closeables.add(proxy);
        AgentForgeWebSocketClient client = client(proxy.url());

        String runId = client.startRun("go");
        BlockingQueue<AgentEvent> received = new LinkedBlockingQueue<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        Disposable subscription = client.events(runId, fastRetry())
                .subscribe(received::add, ended::completeExceptionally, () -> ended.complete(null));
        closeables.add(subscription::dispose);

        // 20 tokens stay in flight ahead of the client, so events are on the wire at each cut.
        model.release(20);
        List<AgentEvent> events = new ArrayList<>();
        int tokensSeen = 0;
        int cuts = 0;
        while (!ended.isDone() || !received.isEmpty()) {
            AgentEvent event = received.poll(1, TimeUnit.SECONDS);
            if (event == null) {
                continue;
            }
            events.add(event);
            if (event instanceof Token) {
                tokensSeen++;
                model.release(1);
                if (tokensSeen == 60 || tokensSeen == 180) {
                    assertThat(proxy.severAll()).as("sockets reset at token %d", tokensSeen).isPositive();
                    cuts++;
                }
            }
            assertThat(events.size()).as("events received").isLessThan(10_000);
        }
        ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        AgentRun run = server.runRegistry().find(runId).orElseThrow();
        long last = run.log().lastSequence();
        assertThat(cuts).isEqualTo(2);
        assertThat(events).hasSize((int) last);
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).sequence()).as("sequence of event %d", i).isEqualTo(i + 1);
        }
        List<String> texts = events.stream().filter(Token.class::isInstance).map(e -> ((Token) e).text()).toList();
        assertThat(texts).hasSize(tokens);
        for (int i = 0; i < tokens; i++) {
            assertThat(texts.get(i)).isEqualTo("t" + (i + 1) + " ");
        }
        assertThat(events.getLast()).isInstanceOf(RunCompleted.class);
        // startRun, the first stream connection, and one reconnect after each cut.
        assertThat(proxy.accepted()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void askUserAnsweredThroughClient() throws Exception {
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("book", "book", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("ask_user", "{\"question\":\"Which day?\"}")
                        : ScriptStep.answer("Booked for " + turn.lastResult().text()))
                .build();
        AgentServer server = start(Agent.builder().model(model).modelName("scripted").tools(AskUserTool.create())
                .build());
        AgentForgeWebSocketClient client = client(server.url());

        String runId = client.startRun("book a table");
        List<AgentEvent> events = client.events(runId, fastRetry())
                .doOnNext(event -> {
                    if (event instanceof WaitingInput) {
                        client.sendInput(runId, "Friday");
                    }
                })
                .collectList()
                .block(WAIT);

        assertThat(events).isNotNull();
        assertThat(events).filteredOn(WaitingInput.class::isInstance).singleElement()
                .extracting(e -> ((WaitingInput) e).question()).isEqualTo("Which day?");
        assertThat(events.getLast()).isInstanceOf(RunCompleted.class);
        assertThat(((RunCompleted) events.getLast()).answer()).isEqualTo("Booked for Friday");
        AgentForgeWebSocketException late = (AgentForgeWebSocketException) org.assertj.core.api.Assertions
                .catchThrowable(() -> client.sendInput(runId, "Saturday"));
        assertThat(late.code()).isEqualTo("run_not_waiting");
        AgentForgeWebSocketException finished = (AgentForgeWebSocketException) org.assertj.core.api.Assertions
                .catchThrowable(() -> client.cancel(runId, "too late"));
        assertThat(finished.code()).isEqualTo("run_finished");
    }

    @Test
    void unknownRunFailsStream() {
        AgentServer server = start(new InteropAgents().agent());
        AgentForgeWebSocketClient client = client(server.url());

        assertThatThrownBy(() -> client.events("run_unknown", fastRetry()).blockLast(WAIT))
                .isInstanceOf(StreamGaveUpException.class)
                .hasMessageContaining("run_not_found")
                .cause().isInstanceOf(AgentForgeWebSocketException.class);
        assertThatThrownBy(() -> client.sendInput("run_unknown", "x"))
                .isInstanceOf(AgentForgeWebSocketException.class)
                .hasMessageContaining("run_not_found");
    }
}
