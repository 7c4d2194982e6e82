package dev.agentforge.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.AskUserTool;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.server.AgentServer;
import dev.agentforge.server.SseTestClient;
import dev.agentforge.stream.BackpressurePolicy;
import dev.agentforge.stream.StreamNotice;
import dev.agentforge.transport.InMemoryEventLog;
import dev.agentforge.transport.SseEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SseTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
        http.close();
    }

    private AgentServer start(Agent agent, TransportSettings transport, Duration heartbeat) {
        AgentServer server = AgentServer.create(agent).port(0).heartbeat(heartbeat).transport(transport).start();
        closeables.add(server);
        return server;
    }

    private static Agent steppedAgent(SteppedModel model) {
        return Agent.builder().model(model).modelName("stepped").build();
    }

    private URI eventsUri(AgentServer server, AgentRun run) {
        return URI.create(server.url() + "/v1/runs/" + run.id() + "/events");
    }

    private static String eventsPath(AgentRun run) {
        return "/v1/runs/" + run.id() + "/events";
    }

    private static double counter(AgentServer server, String name) {
        return server.metrics().registry().get(name).counter().count();
    }

    @Test
    void principalLimitRejectsWithTooManyStreams() throws Exception {
        SteppedModel model = new SteppedModel(1, i -> "x");
        AgentServer server = start(steppedAgent(model), TransportSettings.defaults().withMaxStreamsPerPrincipal(2),
                Duration.ofSeconds(15));
        AgentRun run = server.runRegistry().start(steppedAgent(model), RunRequest.of("go"));
        SseTestClient first = SseTestClient.open(http, eventsUri(server, run));
        SseTestClient second = SseTestClient.open(http, eventsUri(server, run));
        closeables.add(first);
        closeables.add(second);
        await().atMost(WAIT).until(() -> server.sseStreams().sizeOfPrincipal(RunRequest.ANONYMOUS) == 2);

        HttpResponse<String> third = http.send(HttpRequest.newBuilder(eventsUri(server, run)).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.body()).contains("\"code\":\"too_many_streams\"")
                .contains(TransportSettings.MAX_STREAMS_PER_PRINCIPAL);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("5");
        model.release(1);
        assertThat(first.readToEnd()).last().extracting(SseEvent::event).isEqualTo("done");
        await().atMost(WAIT).until(() -> server.sseStreams().size() == 0);
        assertThat(server.sseStreams().releases()).isEqualTo(server.sseStreams().registrations());
    }

    @Test
    void stuckClientDoesNotHoldBackRunOrOthers() throws Exception {
        int tokens = 3000;
        String chunk = "y".repeat(4096);
        SteppedModel model = new SteppedModel(tokens, i -> chunk);
        BackpressurePolicy policy = BackpressurePolicy.defaults().withBuffer(64, 128 * 1024).withMaxLag(200, null);
        AgentServer server = start(steppedAgent(model), TransportSettings.defaults().withBackpressure(policy),
                Duration.ofSeconds(15));
        AgentRun run = server.runRegistry().start(steppedAgent(model), RunRequest.of("go"));
        RawSseClient stuck = RawSseClient.connect(server.port(), eventsPath(run), null, 4096);
        closeables.add(stuck);
        SseTestClient healthy = SseTestClient.open(http, eventsUri(server, run));
        closeables.add(healthy);
        await().atMost(WAIT).until(() -> server.sseStreams().sizeOfRun(run.id()) == 2);

        // The run emits a token only when the healthy client has received all but the last 4, so the healthy
        // client's queue never holds more than 4 tokens of 8 KiB (estimated) each.
        model.release(4);
        long textLength = 0;
        List<String> types = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        SseEvent event;
        do {
            event = healthy.next();
            types.add(event.event());
            if (event.id() == null || !event.id().endsWith(":" + sequenceOf(event))) {
                notices.add(event.event() + " " + event.data());
            }
            if ("token".equals(event.event())) {
                textLength += tokenText(event.data()).length();
                model.release(1);
            }
        } while (!"done".equals(event.event()));

        assertThat(run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS).answer())
                .isEqualTo(tokens + " tokens, " + tokens * chunk.length() + " chars");
        assertThat(notices).isEmpty();
        assertThat(textLength).isEqualTo((long) tokens * chunk.length());
        assertThat(counter(server, "agentforge.sse.events.dropped")).isPositive();
        assertThat(counter(server, "agentforge.sse.subscribers.disconnected")).isEqualTo(1.0);

        // The stuck client reads again: it gets what was queued, then the disconnected notice, then the end.
        stuck.startReading();
        assertThat(stuck.awaitEnd(WAIT.toSeconds())).isTrue();
        List<SseEvent> received = stuck.events();
        assertThat(received).last().extracting(SseEvent::event).isEqualTo(StreamNotice.Disconnected.TYPE);
        StreamNotice notice = StreamNotice.fromJson(received.getLast().data());
        assertThat(notice).isInstanceOf(StreamNotice.Disconnected.class);
        assertThat(((StreamNotice.Disconnected) notice).reason()).isEqualTo("too_far_behind");
        assertThat(stuck.raw()).doesNotContain("id: " + run.id() + ":" + run.log().lastSequence());
        assertThat(stuck.raw()).doesNotContainPattern("(?m)^id: [^\\n]*\\nevent: (events_dropped|disconnected)");
        await().atMost(WAIT).until(() -> server.sseStreams().size() == 0);
        assertThat(server.sseStreams().maxQueuedBytes()).isLessThanOrEqualTo(policy.maxBytes() + 512);
    }

    @Test
    void neverReadingClientIsClosedAfterWriteTimeout() throws Exception {
        String chunk = "z".repeat(8192);
        SteppedModel model = new SteppedModel(2000, i -> chunk);
        AgentServer server = start(steppedAgent(model), TransportSettings.defaults()
                .withWriteTimeout(Duration.ofMillis(500)), Duration.ofMillis(200));
        AgentRun run = server.runRegistry().start(steppedAgent(model), RunRequest.of("go"));
        RawSseClient stuck = RawSseClient.connect(server.port(), eventsPath(run), null, 4096);
        closeables.add(stuck);
        await().atMost(WAIT).until(() -> server.sseStreams().sizeOfRun(run.id()) == 1);

        model.release(2000);

        assertThat(run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS).answer())
                .isEqualTo("2000 tokens, " + 2000 * chunk.length() + " chars");
        await().atMost(WAIT).until(() -> server.sseStreams().size() == 0);
        assertThat(server.sseStreams().releases()).isEqualTo(1);
    }

    @Test
    void killedSubscribersAreCleanedUpOnce() throws Exception {
        Duration heartbeat = Duration.ofMillis(200);
        SteppedModel model = new SteppedModel(3, i -> "token" + i + " ");
        AgentServer server = start(steppedAgent(model), TransportSettings.defaults().withMaxStreamsPerPrincipal(200),
                heartbeat);
        AgentRun run = server.runRegistry().start(steppedAgent(model), RunRequest.of("go"));
        List<RawSseClient> clients = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            RawSseClient client = RawSseClient.connect(server.port(), eventsPath(run), null, 0).startReading();
            clients.add(client);
            closeables.add(client);
        }
        await().atMost(WAIT).until(() -> server.sseStreams().sizeOfRun(run.id()) == 100);
        model.release(1);
        for (RawSseClient client : clients) {
            await().atMost(WAIT).until(() -> hasEvent(client, "token"));
        }

        for (RawSseClient client : clients.subList(0, 90)) {
            client.close();
        }
        model.release(1);

        // A dead stream fails at its first or second write after the close: this event, or the heartbeat
        // one interval later. The bound adds one interval for scheduling on a loaded machine.
        await().atMost(heartbeat.multipliedBy(3)).pollInterval(Duration.ofMillis(10))
                .until(() -> server.sseStreams().sizeOfRun(run.id()) == 10);
        List<RawSseClient> live = clients.subList(90, 100);
        for (RawSseClient client : live) {
            await().atMost(WAIT).until(() -> client.events().stream().filter(e -> "token".equals(e.event())).count() == 2);
        }
        assertThat(server.sseStreams().releases()).isEqualTo(90);
        assertThat(server.sseStreams().registrations()).isEqualTo(100);
        model.release(1);

        for (RawSseClient client : live) {
            assertThat(client.awaitEnd(WAIT.toSeconds())).isTrue();
            assertThat(client.events()).last().extracting(SseEvent::event).isEqualTo("done");
        }
        await().atMost(WAIT).until(() -> server.sseStreams().size() == 0);
        assertThat(server.sseStreams().releases()).isEqualTo(100);
    }

    @Test
    void reconnectsAtRandomCutsDeliverEachEventOnce() throws Exception {
        int tokens = 400;
        SteppedModel model = new SteppedModel(tokens, i -> "t" + i + " ");
        AgentServer server = start(steppedAgent(model), TransportSettings.defaults(), Duration.ofSeconds(15));
        AgentRun run = server.runRegistry().start(steppedAgent(model), RunRequest.of("go"));
        Random random = new Random(42);
        List<Long> received = new ArrayList<>();
        String lastId = null;
        boolean done = false;
        model.release(5);
        while (!done) {
            Map<String, String> headers = lastId == null ? Map.of() : Map.of("Last-Event-ID", lastId);
            try (SseTestClient client = SseTestClient.open(http, eventsUri(server, run), headers)) {
                int cut = 1 + random.nextInt(25);
                for (int i = 0; i < cut && !done; i++) {
                    SseEvent event = client.next();
                    received.add(Long.parseLong(event.id().substring(event.id().lastIndexOf(':') + 1)));
                    lastId = event.id();
                    done = "done".equals(event.event());
                    // The run keeps emitting while this client reads and while the next one replays.
                    model.release(3);
                }
            }
        }

        long last = run.log().lastSequence();
        assertThat(received).hasSize((int) last);
        assertThat(new TreeSet<>(received)).hasSize((int) last).first().isEqualTo(1L);
        assertThat(received).isSorted();
        HttpResponse<String> after = http.send(HttpRequest.newBuilder(eventsUri(server, run))
                .header("Last-Event-ID", lastId).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(after.statusCode()).isEqualTo(204);
    }

    @Test
    void resumeBeforeRetentionGetsEventsLost() throws Exception {
        SteppedModel model = new SteppedModel(20, i -> "t" + i + " ");
        Agent agent = Agent.builder().model(model).modelName("stepped")
                .eventLogRetention(InMemoryEventLog.Retention.ofEvents(5)).build();
        AgentServer server = start(agent, TransportSettings.defaults(), Duration.ofSeconds(15));
        AgentRun run = server.runRegistry().start(agent, RunRequest.of("go"));
        model.release(20);
        run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        long first = run.log().firstSequence();

        SseTestClient client = SseTestClient.open(http, eventsUri(server, run), Map.of("Last-Event-ID", run.id() + ":2"));
        closeables.add(client);
        List<SseEvent> events = client.readToEnd();

        SseEvent lost = events.getFirst();
        assertThat(lost.event()).isEqualTo(StreamNotice.EventsLost.TYPE);
        assertThat(StreamNotice.fromJson(lost.data())).isEqualTo(new StreamNotice.EventsLost(run.id(), 3, first - 1,
                StreamNotice.EventsLost.REASON_RETENTION_LIMIT));
        assertThat(client.raw()).containsPattern("retry: 3000\\n\\nevent: events_lost\\ndata: ");
        assertThat(events.get(1).id()).isEqualTo(run.id() + ":" + first);
        assertThat(events).last().extracting(SseEvent::event).isEqualTo("done");
    }

    @Test
    void inputRouteAnswersWaitingRun() throws Exception {
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("book", "book", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("ask_user", "{\"question\":\"Which day?\"}")
                        : ScriptStep.answer("Booked for " + turn.lastResult().text()))
                .build();
        Agent agent = Agent.builder().model(model).modelName("scripted").tools(AskUserTool.create()).build();
        AgentServer server = start(agent, TransportSettings.defaults(), Duration.ofSeconds(15));
        AgentRun run = server.runRegistry().start(agent, RunRequest.of("book a table"));
        await().atMost(WAIT).until(() -> run.waitingInput().isPresent());

        HttpResponse<String> status = get(server, "/v1/runs/" + run.id());
        assertThat(status.body()).contains("\"waitingInput\":{\"callId\":\"call_1\",\"question\":\"Which day?\"");
        assertThat(postInput(server, run.id(), "{\"input\": 5}").statusCode()).isEqualTo(400);
        assertThat(postInput(server, run.id(), "{}").body()).contains("missing_field");
        assertThat(postInput(server, "run_unknown", "{\"input\": \"x\"}").statusCode()).isEqualTo(404);
        HttpResponse<String> answered = postInput(server, run.id(), "{\"input\": \"Friday\"}");
        assertThat(answered.statusCode()).isEqualTo(202);

        assertThat(run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS).answer()).isEqualTo("Booked for Friday");
        HttpResponse<String> late = postInput(server, run.id(), "{\"input\": \"Saturday\"}");
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(late.body()).contains("\"code\":\"run_not_waiting\"").contains("\"runStatus\":\"completed\"");
        SseTestClient client = SseTestClient.open(http, eventsUri(server, run));
        closeables.add(client);
        assertThat(client.readToEnd()).extracting(SseEvent::event)
                .containsSubsequence("action", "waiting_input", "observation", "done");
    }

    private HttpResponse<String> get(AgentServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postInput(AgentServer server, String runId, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/runs/" + runId + "/input"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean hasEvent(RawSseClient client, String type) {
        return client.events().stream().anyMatch(event -> type.equals(event.event()));
    }

    private static long sequenceOf(SseEvent event) {
        String data = event.data();
        int start = data.indexOf("\"sequence\":");
        if (start < 0) {
            return -1;
        }
        start += 11;
        int end = start;
        while (end < data.length() && Character.isDigit(data.charAt(end))) {
            end++;
        }
        return Long.parseLong(data.substring(start, end));
    }

    private static String tokenText(String json) {
        int start = json.indexOf("\"text\":\"") + 8;
        return json.substring(start, json.indexOf('"', start));
    }
}
