package dev.agentforge.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AskUserTool;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.event.EventCodec;
import dev.agentforge.server.AgentServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class WebSocketTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String> lifecycle = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
        http.close();
    }

    private static Agent agent() {
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("book", "book", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("ask_user", "{\"question\":\"Which day?\"}")
                        : ScriptStep.answer("Booked for " + turn.lastResult().text()))
                .fallback(turn -> ScriptStep.answer("Hello over WebSocket"))
                .build();
        return Agent.builder().model(model).modelName("scripted").tools(AskUserTool.create()).build();
    }

    private AgentServer start(TransportSettings transport) {
        AgentServer server = AgentServer.create(agent()).port(0).transport(transport)
                .webSocketListener(new WebSocketListener() {
                    @Override
                    public void onOpen(WebSocketConnection connection) {
                        lifecycle.add("open " + connection.id());
                    }

                    @Override
                    public void onClose(WebSocketConnection connection, int statusCode, String reason) {
                        lifecycle.add("close " + connection.id() + " " + statusCode);
                    }
                })
                .start();
        closeables.add(server);
        return server;
    }

    private Client connect(AgentServer server) throws Exception {
        Client client = new Client();
        URI uri = URI.create(server.url().replace("http://", "ws://") + WebSocketHub.PATH);
        client.socket = http.newWebSocketBuilder().buildAsync(uri, client).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        closeables.add(() -> client.socket.abort());
        return client;
    }

    @Test
    void startStreamsAckThenEvents() throws Exception {
        AgentServer server = start(TransportSettings.defaults());
        Client client = connect(server);

        client.send("{\"type\":\"start\",\"id\":\"c1\",\"input\":\"hello\"}");

        JsonNode ack = client.next();
        assertThat(ack.get("type").asString()).isEqualTo("ack");
        assertThat(ack.get("id").asString()).isEqualTo("c1");
        assertThat(ack.get("request").asString()).isEqualTo("start");
        String runId = ack.get("runId").asString();
        List<String> types = new ArrayList<>();
        JsonNode message;
        do {
            message = client.next();
            assertThat(message.get("type").asString()).isEqualTo("event");
            assertThat(message.get("topic").asString()).isEqualTo("run:" + runId);
            assertThat(message.get("sequence").asLong()).isEqualTo(message.get("event").get("sequence").asLong());
            types.add(message.get("event").get("type").asString());
        } while (!message.get("event").get("type").asString().equals("done"));
        assertThat(types.getFirst()).isEqualTo("run_started");
        assertThat(EventCodec.fromJson(message.get("event").toString()).terminal()).isTrue();
    }

    @Test
    void askUserAnsweredOverWebSocket() throws Exception {
        AgentServer server = start(TransportSettings.defaults());
        Client client = connect(server);
        client.send("{\"type\":\"start\",\"id\":\"c1\",\"input\":\"book a table\"}");
        String runId = client.next().get("runId").asString();

        JsonNode waiting = client.nextEvent("waiting_input");
        assertThat(waiting.get("event").get("question").asString()).isEqualTo("Which day?");
        client.send("{\"type\":\"input\",\"id\":\"c2\",\"runId\":\"" + runId + "\",\"input\":\"Friday\"}");

        // The ack and the run's next events travel on separate queues, so they may arrive in either order.
        List<JsonNode> messages = new ArrayList<>();
        JsonNode message;
        do {
            message = client.next();
            messages.add(message);
        } while (!message.path("event").path("type").asString("").equals("done"));
        assertThat(messages).anyMatch(m -> m.get("type").asString().equals("ack") && m.get("id").asString().equals("c2"));
        assertThat(message.get("event").get("answer").asString()).isEqualTo("Booked for Friday");
    }

    @Test
    void cancelWhileWaiting() throws Exception {
        AgentServer server = start(TransportSettings.defaults());
        Client client = connect(server);
        client.send("{\"type\":\"start\",\"input\":\"book a table\"}");
        String runId = client.next().get("runId").asString();
        client.nextEvent("waiting_input");

        client.send("{\"type\":\"cancel\",\"id\":\"c3\",\"runId\":\"" + runId + "\"}");

        // The cancelled event is logged before the ack is queued, so either may arrive first.
        JsonNode ack = null;
        JsonNode cancelled = null;
        while (ack == null || cancelled == null) {
            JsonNode message = client.next();
            if (message.get("type").asString().equals("ack")) {
                ack = message;
            } else if (message.path("event").path("type").asString("").equals("cancelled")) {
                cancelled = message;
            }
        }
        assertThat(ack.get("request").asString()).isEqualTo("cancel");
        assertThat(cancelled.get("event").get("reason").asString()).contains("WebSocket");
    }

    @Test
    void resumeAfterSequence() throws Exception {
        AgentServer server = start(TransportSettings.defaults());
        Client first = connect(server);
        first.send("{\"type\":\"start\",\"input\":\"hello\"}");
        String runId = first.next().get("runId").asString();
        first.nextEvent("done");

        Client second = connect(server);
        second.send("{\"type\":\"resume\",\"id\":\"r1\",\"runId\":\"" + runId + "\",\"after\":2}");

        JsonNode ack = second.next();
        assertThat(ack.get("complete").asBoolean()).isFalse();
        assertThat(second.next().get("sequence").asLong()).isEqualTo(3);
        second.nextEvent("done");
        long last = server.runRegistry().find(runId).orElseThrow().log().lastSequence();
        second.send("{\"type\":\"resume\",\"id\":\"r2\",\"runId\":\"" + runId + "\",\"after\":" + last + "}");
        assertThat(second.nextOfType("ack").get("complete").asBoolean()).isTrue();
    }

    @Test
    void invalidFieldGetsErrorAndConnectionStays() throws Exception {
        AgentServer server = start(TransportSettings.defaults());
        Client client = connect(server);

        client.send("{\"type\":\"input\",\"id\":\"x1\"}");
        JsonNode error = client.next();
        client.send("{\"type\":\"cancel\",\"id\":\"x2\",\"runId\":\"run_unknown\"}");
        JsonNode notFound = client.next();

        assertThat(error.get("type").asString()).isEqualTo("error");
        assertThat(error.get("code").asString()).isEqualTo("missing_field");
        assertThat(error.get("id").asString()).isEqualTo("x1");
        assertThat(notFound.get("code").asString()).isEqualTo("run_not_found");
    }

    @Test
    void unknownTypeErrorKeepsRequestId() throws Exception {
        AgentServer server = start(TransportSettings.defaults());
        Client client = connect(server);

        client.send("{\"type\": \"bogus_kind\", \"id\": \"x\"}");

        JsonNode error = client.next();
        assertThat(error.get("code").asString()).isEqualTo("invalid_message");
        assertThat(error.get("id").asString()).isEqualTo("x");
        assertThat(client.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1008);
    }

    @Test
    void unreadableMessageClosesWith1008() throws Exception {
        AgentServer server = start(TransportSettings.defaults());
        Client client = connect(server);

        client.send("not json");

        assertThat(client.next().get("code").asString()).isEqualTo("invalid_message");
        assertThat(client.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1008);
        await().atMost(WAIT).until(() -> server.webSockets().connections().isEmpty());
        assertThat(lifecycle).anyMatch(entry -> entry.startsWith("open ")).anyMatch(entry -> entry.endsWith(" 1008"));
    }

    @Test
    void oversizedMessageClosesWith1009() throws Exception {
        AgentServer server = start(TransportSettings.defaults().withWebSocket(1024, Duration.ofSeconds(15),
                Duration.ofSeconds(10), 100, 256));
        Client client = connect(server);

        client.send("{\"type\":\"start\",\"input\":\"" + "x".repeat(4000) + "\"}");

        assertThat(client.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1009);
    }

    @Test
    void connectionOverLimitClosesWith1013() throws Exception {
        AgentServer server = start(TransportSettings.defaults().withWebSocket(65536, Duration.ofSeconds(15),
                Duration.ofSeconds(10), 1, 256));
        connect(server);
        await().atMost(WAIT).until(() -> server.webSockets().connections().size() == 1);

        Client second = connect(server);

        assertThat(second.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1013);
    }

    @Test
    void runsTopicCarriesLifecycle() throws Exception {
        AgentServer server = start(TransportSettings.defaults());
        Client operator = connect(server);
        operator.send("{\"type\":\"subscribe\",\"id\":\"s1\",\"topic\":\"runs\"}");
        assertThat(operator.next().get("topic").asString()).isEqualTo("runs");
        Client user = connect(server);

        user.send("{\"type\":\"start\",\"input\":\"hello\"}");

        assertThat(operator.next().get("event").get("type").asString()).isEqualTo("run_started");
        JsonNode done = operator.next();
        assertThat(done.get("topic").asString()).isEqualTo("runs");
        assertThat(done.get("event").get("type").asString()).isEqualTo("done");
    }

    /** A JDK WebSocket client that parses each text message as JSON. */
    static final class Client implements WebSocket.Listener {
        final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        void send(String text) throws Exception {
            socket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        JsonNode next() throws InterruptedException {
            JsonNode message = messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("No WebSocket message within " + WAIT);
            }
            return message;
        }

        JsonNode nextOfType(String type) throws InterruptedException {
            JsonNode message;
            do {
                message = next();
            } while (!message.get("type").asString().equals(type));
            return message;
        }

        JsonNode nextEvent(String eventType) throws InterruptedException {
            JsonNode message;
            do {
                message = nextOfType("event");
            } while (!message.get("event").get("type").asString().equals(eventType));
            return message;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(EventCodec.mapper().readTree(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
