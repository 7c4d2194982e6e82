package dev.agentforge.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.event.EventCodec;
import dev.agentforge.server.AgentServer;
import dev.agentforge.stream.BackpressurePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Peers that do not keep up: many watchers of one run with one that stops reading, a dead peer that
 * never sends a pong, and a peer whose socket stops taking data.
 */
class WebSocketSlowPeerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, Integer> closeCodes = new ConcurrentHashMap<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
        http.close();
    }

    private AgentServer start(Agent agent, TransportSettings transport) {
        AgentServer server = AgentServer.create(agent).port(0).transport(transport)
                .webSocketListener(new WebSocketListener() {
                    @Override
                    public void onClose(WebSocketConnection connection, int statusCode, String reason) {
                        closeCodes.put(connection.id(), statusCode);
                    }
                })
                .start();
        closeables.add(server);
        return server;
    }

    private static Agent steppedAgent(SteppedModel model) {
        return Agent.builder().model(model).modelName("stepped").build();
    }

    private static double counter(AgentServer server, String name) {
        return server.metrics().registry().get(name).counter().count();
    }

    private Watcher watch(AgentServer server, String runId, Pacer pacer, int index) throws Exception {
        Watcher watcher = new Watcher(pacer, index);
        URI uri = URI.create(server.url().replace("http://", "ws://") + WebSocketHub.PATH);
        watcher.socket = http.newWebSocketBuilder().buildAsync(uri, watcher).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        closeables.add(() -> watcher.socket.abort());
        watcher.socket.sendText("{\"type\":\"subscribe\",\"id\":\"w" + index + "\",\"topic\":\"run:" + runId + "\"}",
                true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return watcher;
    }

    @Test
    void broadcastClosesStuckWatcherWith1013() throws Exception {
        int tokens = 1500;
        int healthyCount = 8;
        String chunk = "w".repeat(16 * 1024);
        SteppedModel model = new SteppedModel(tokens, i -> chunk);
        BackpressurePolicy policy = BackpressurePolicy.defaults().withBuffer(64, 512 * 1024).withMaxLag(200, null);
        // A long write timeout, so that the server's send to the stuck watcher is still waiting when the
        // watcher reads again, and the 1013 close frame reaches it.
        AgentServer server = start(steppedAgent(model), TransportSettings.defaults().withBackpressure(policy)
                .withWriteTimeout(Duration.ofSeconds(120)));
        AgentRun run = server.runRegistry().start(steppedAgent(model), RunRequest.of("go"));
        Pacer pacer = new Pacer(model, healthyCount);

        List<Watcher> healthy = new ArrayList<>();
        for (int i = 0; i < healthyCount; i++) {
            healthy.add(watch(server, run.id(), pacer, i));
        }
        Watcher stuck = watch(server, run.id(), null, healthyCount);
        await().atMost(WAIT).until(() -> server.webSockets().connections().size() == healthyCount + 1);
        await().atMost(WAIT).until(() -> server.webSockets().connections().stream()
                .allMatch(connection -> connection.topics().contains("run:" + run.id())));

        // Each healthy watcher has at most 4 tokens in its queue, so none of them is coalesced or dropped.
        model.release(4);

        assertThat(run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS).answer())
                .isEqualTo(tokens + " tokens, " + (long) tokens * chunk.length() + " chars");
        long last = run.log().lastSequence();
        for (Watcher watcher : healthy) {
            await().atMost(WAIT).until(() -> watcher.lastSequence() == last);
            assertThat(watcher.notices).as("notices of watcher %d", watcher.index).isEmpty();
            assertThat(watcher.sequences).as("sequences of watcher %d", watcher.index).hasSize((int) last);
            assertThat(watcher.sequences.getFirst()).isEqualTo(1);
            assertThat(watcher.sequences).isSorted().doesNotHaveDuplicates();
            assertThat(watcher.tokenChars).as("token text of watcher %d", watcher.index)
                    .isEqualTo((long) tokens * chunk.length());
        }
        assertThat(counter(server, "agentforge.ws.closed.slow")).isEqualTo(1.0);
        assertThat(counter(server, "agentforge.ws.closed.timeout")).isZero();

        // The stuck watcher reads again: it gets what was already on its way, then the close with 1013.
        stuck.readAll();
        assertThat(stuck.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1013);
        assertThat(stuck.closeReason).contains("reconnect and resume");
        assertThat(stuck.sequences).isNotEmpty();
        assertThat(stuck.lastSequence()).isLessThan(last);
        assertThat(stuck.sequences.getFirst()).isEqualTo(1);
        assertThat(stuck.sequences).as("a gapless prefix of the run").hasSize((int) stuck.lastSequence());
        await().atMost(WAIT).until(() -> closeCodes.containsValue(1013));
        assertThat(closeCodes).as("only the stuck watcher's connection closed").hasSize(1);
        assertThat(server.webSockets().connections()).hasSize(healthyCount);
    }

    @Test
    void deadPeerDroppedAfterPongTimeout() throws Exception {
        SteppedModel model = new SteppedModel(1, i -> "x");
        AgentServer server = start(steppedAgent(model), TransportSettings.defaults().withWebSocket(65536,
                Duration.ofMillis(200), Duration.ofMillis(400), 100, 256));
        RawWebSocket peer = RawWebSocket.connect(server.port(), WebSocketHub.PATH, 0);
        closeables.add(peer);
        await().atMost(WAIT).until(() -> server.webSockets().connections().size() == 1);
        String connectionId = server.webSockets().connections().getFirst().id();

        // The peer reads what the server sends but never sends a pong, as a peer whose process hangs.
        peer.startReading();

        assertThat(peer.awaitEnd(WAIT.toSeconds())).as("the server drops the connection").isTrue();
        assertThat(peer.frames()).extracting(RawWebSocket.Frame::opcode).contains(RawWebSocket.Frame.PING)
                .doesNotContain(RawWebSocket.Frame.CLOSE);
        await().atMost(WAIT).until(() -> server.webSockets().connections().isEmpty());
        assertThat(counter(server, "agentforge.ws.closed.timeout")).isEqualTo(1.0);
        await().atMost(WAIT).until(() -> closeCodes.containsKey(connectionId));
        assertThat(closeCodes.get(connectionId)).isEqualTo(1006);
    }

    @Test
    void stalledSocketDroppedAfterWriteTimeout() throws Exception {
        int tokens = 2000;
        String chunk = "z".repeat(8192);
        SteppedModel model = new SteppedModel(tokens, i -> chunk);
        // A queue large enough for the whole run, so that no token is dropped and the server has 16 MiB to
        // send, far more than the socket buffers take. Pings far apart, so that only the write timeout can
        // drop the connection within the test.
        BackpressurePolicy policy = BackpressurePolicy.defaults().withBuffer(4096, 64L * 1024 * 1024);
        AgentServer server = start(steppedAgent(model), TransportSettings.defaults()
                .withBackpressure(policy)
                .withWriteTimeout(Duration.ofMillis(500))
                .withWebSocket(65536, Duration.ofMinutes(10), Duration.ofMinutes(10), 100, 256));
        RawWebSocket peer = RawWebSocket.connect(server.port(), WebSocketHub.PATH, 4096);
        closeables.add(peer);
        await().atMost(WAIT).until(() -> server.webSockets().connections().size() == 1);
        String connectionId = server.webSockets().connections().getFirst().id();

        // The peer starts a run and never reads, so its receive buffer and the server's send buffer fill.
        peer.sendText("{\"type\":\"start\",\"id\":\"s1\",\"input\":\"go\"}");
        await().atMost(WAIT).until(() -> !server.runRegistry().runs().isEmpty());
        AgentRun run = server.runRegistry().runs().iterator().next();
        model.release(tokens);

        assertThat(run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS).answer())
                .isEqualTo(tokens + " tokens, " + (long) tokens * chunk.length() + " chars");
        await().atMost(WAIT).until(() -> server.webSockets().connections().isEmpty());
        assertThat(counter(server, "agentforge.ws.closed.timeout")).isEqualTo(1.0);
        assertThat(counter(server, "agentforge.ws.closed.slow")).isZero();
        await().atMost(WAIT).until(() -> closeCodes.containsKey(connectionId));
        assertThat(closeCodes.get(connectionId)).isEqualTo(1006);
    }

    /**
     * Lets the model stream one more token each time every healthy watcher has received one more, so
     * the run goes at the pace of the slowest healthy watcher and ignores the stuck one.
     */
    static final class Pacer {
        private final SteppedModel model;
        private final int[] tokens;
        private int released;

        Pacer(SteppedModel model, int watchers) {
            this.model = model;
            this.tokens = new int[watchers];
        }

        synchronized void tokenReceived(int watcher) {
            tokens[watcher]++;
            int slowest = Integer.MAX_VALUE;
            for (int count : tokens) {
                slowest = Math.min(slowest, count);
            }
            if (slowest > released) {
                model.release(slowest - released);
                released = slowest;
            }
        }
    }

    /**
     * A JDK WebSocket client that records the sequence numbers of the run's events. Without a pacer it
     * stands for a stuck watcher: it requests no message after the first until {@link #readAll}.
     */
    static final class Watcher implements WebSocket.Listener {
        final List<Long> sequences = new CopyOnWriteArrayList<>();
        final List<String> notices = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final int index;
        volatile String closeReason;
        volatile long tokenChars;
        private final Pacer pacer;
        private final AtomicBoolean reading;
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        Watcher(Pacer pacer, int index) {
            this.pacer = pacer;
            this.index = index;
            this.reading = new AtomicBoolean(pacer != null);
        }

        long lastSequence() {
            return sequences.isEmpty() ? 0 : sequences.getLast();
        }

        void readAll() {
            reading.set(true);
            socket.request(Long.MAX_VALUE);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                handle(EventCodec.mapper().readTree(partial.toString()));
                partial.setLength(0);
            }
            if (reading.get()) {
                webSocket.request(1);
            }
            return null;
        }

        private void handle(JsonNode message) {
            switch (message.path("type").asString()) {
                case "event" -> {
                    sequences.add(message.get("sequence").asLong());
                    JsonNode event = message.get("event");
                    if (event.path("type").asString().equals("token")) {
                        tokenChars += event.path("text").asString().length();
                        if (pacer != null) {
                            pacer.tokenReceived(index);
                        }
                    }
                }
                case "notice" -> notices.add(message.toString());
                default -> {
                    // Acks of the subscribe message.
                }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
