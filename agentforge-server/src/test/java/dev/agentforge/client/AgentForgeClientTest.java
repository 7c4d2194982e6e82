package dev.agentforge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.event.Action;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.server.AgentServer;
import dev.agentforge.server.interop.CuttingProxy;
import dev.agentforge.server.interop.InteropAgents;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/** {@link AgentForgeClient} against a real {@link AgentServer} on a free port, partly through a proxy that cuts connections. */
class AgentForgeClientTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration SSE_RETRY = Duration.ofMillis(300);

    private final InteropAgents agents = new InteropAgents();
    private AgentServer server;
    private CuttingProxy proxy;
    private AgentForgeClient direct;
    private AgentForgeClient proxied;

    @BeforeEach
    void start() throws Exception {
        server = AgentServer.create(agents.agent()).port(0).sseRetry(SSE_RETRY).start();
        proxy = CuttingProxy.start(server.port());
        direct = AgentForgeClient.create(URI.create(server.url()));
        proxied = AgentForgeClient.create(URI.create(proxy.url()));
    }

    @AfterEach
    void stop() {
        agents.openGate();
        direct.close();
        proxied.close();
        proxy.close();
        server.stop();
    }

    @Test
    void startStatusAndEventsOfRun() {
        StartedRun started = direct.startRun("calculate 2 + 3");

        assertThat(started.runId()).startsWith("run_");
        assertThat(started.eventsUrl()).isEqualTo(URI.create(server.url() + "/v1/runs/" + started.runId() + "/events"));
        List<AgentEvent> events = direct.events(started.runId()).collectList().block(WAIT);
        assertThat(events).extracting(AgentEvent::sequence)
                .isEqualTo(sequencesOf(run(started.runId())));
        assertThat(events.getLast()).isInstanceOfSatisfying(RunCompleted.class,
                done -> assertThat(done.answer()).isEqualTo("The result is 5."));

        RunInfo status = direct.status(started.runId());
        assertThat(status.status()).isEqualTo("completed");
        assertThat(status.finished()).isTrue();
        assertThat(status.answer()).isEqualTo("The result is 5.");
        assertThat(status.lastSequence()).isEqualTo(events.getLast().sequence());
    }

    @Test
    void cancelEndsWorkingRun() throws Exception {
        StartedRun started = direct.startRun("a gated run");
        assertThat(agents.gateReached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        RunInfo cancelled = direct.cancel(started.runId());

        assertThat(cancelled.status()).isEqualTo("cancelled");
        assertThat(cancelled.cancelReason()).contains("cancelled by anonymous");
        assertThatThrownBy(() -> direct.cancel(started.runId()))
                .isInstanceOfSatisfying(AgentForgeApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo("run_finished");
                });
        List<AgentEvent> events = direct.events(started.runId()).collectList().block(WAIT);
        assertThat(events.getLast().type()).isEqualTo("cancelled");
    }

    @Test
    void statusOfUnknownRunFails() {
        assertThatThrownBy(() -> direct.status("run_missing"))
                .isInstanceOfSatisfying(AgentForgeApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("run_not_found");
                    assertThat(e.getMessage()).contains("run_missing");
                });
    }

    @Test
    void eventsSurviveTwoCutsExactlyOnce() throws Exception {
        StartedRun started = proxied.startRun("a gated run");
        List<AgentEvent> received = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Disposable subscription = proxied.events(started.runId())
                .subscribe(received::add, failure::set);
        try {
            await().atMost(WAIT).until(() -> received.stream().anyMatch(Action.class::isInstance));
            assertThat(agents.gateReached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            // First cut while the run waits: the client reconnects, then the rest streams live.
            int acceptedBefore = proxy.accepted();
            long cutNanos = System.nanoTime();
            assertThat(proxy.severAll()).isPositive();
            await().atMost(WAIT).until(() -> proxy.accepted() > acceptedBefore);
            long reconnectDelayMillis = TimeUnit.NANOSECONDS.toMillis(proxy.acceptTimesNanos().get(acceptedBefore)
                    - cutNanos);
            assertThat(reconnectDelayMillis).as("delay before reconnecting, which the server's retry sets")
                    .isGreaterThanOrEqualTo(SSE_RETRY.toMillis());

            // Second cut, and the run ends while the client is away: the rest comes from the server's log.
            proxy.severAll();
            agents.openGate();
            await().atMost(WAIT).until(() -> subscription.isDisposed() || terminalReceived(received));
            await().atMost(WAIT).until(subscription::isDisposed);
        } finally {
            subscription.dispose();
        }

        assertThat(failure.get()).isNull();
        AgentRun run = run(started.runId());
        assertThat(received).extracting(AgentEvent::sequence).isEqualTo(sequencesOf(run));
        assertThat(received).isEqualTo(run.log().after(0));
    }

    @Test
    void eventsAfterSequenceResume() {
        StartedRun started = direct.startRun("calculate 6 * 7");
        direct.events(started.runId()).blockLast(WAIT);

        List<AgentEvent> events = direct.events(started.runId(), StreamOptions.defaults().withAfterSequence(2))
                .collectList().block(WAIT);

        assertThat(events).isEqualTo(run(started.runId()).log().after(2));
    }

    @Test
    void eventsAfterTerminalEndEmpty() {
        StartedRun started = direct.startRun("calculate 6 * 7");
        List<AgentEvent> all = direct.events(started.runId()).collectList().block(WAIT);

        List<AgentEvent> after = direct.events(started.runId(),
                StreamOptions.defaults().withAfterSequence(all.getLast().sequence())).collectList().block(WAIT);

        assertThat(after).isEmpty();
    }

    @Test
    void deadlineRaisesClientTimeout() throws Exception {
        StartedRun started = direct.startRun("a gated run");
        assertThat(agents.gateReached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        StreamOptions options = StreamOptions.defaults().withTimeout(Duration.ofMillis(500));
        assertThatThrownBy(() -> direct.events(started.runId(), options).blockLast(WAIT))
                .isInstanceOfSatisfying(ClientTimeoutException.class, e -> {
                    assertThat(e.runId()).isEqualTo(started.runId());
                    assertThat(e.lastSequence()).isEqualTo(2);
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.deadline()).isEqualTo(options.deadline());
                    assertThat(e.getMessage()).contains(started.runId(), "#2");
                });
    }

    @Test
    void unknownRunStreamGivesUp() {
        assertThatThrownBy(() -> direct.events("run_missing").blockLast(WAIT))
                .isInstanceOfSatisfying(StreamGaveUpException.class, e -> {
                    assertThat(e.runId()).isEqualTo("run_missing");
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.lastSequence()).isZero();
                    assertThat(e.getCause()).isInstanceOfSatisfying(AgentForgeApiException.class,
                            api -> assertThat(api.code()).isEqualTo("run_not_found"));
                });
    }

    @Test
    void unreachableServerGivesUpAfterFailures() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (AgentForgeClient client = AgentForgeClient.create(URI.create("http://127.0.0.1:" + closedPort))) {
            StreamOptions options = StreamOptions.defaults()
                    .withInitialRetry(Duration.ofMillis(10))
                    .withMaxConsecutiveFailures(3)
                    .withAfterSequence(4);
            assertThatThrownBy(() -> client.events("run_x", options).blockLast(WAIT))
                    .isInstanceOfSatisfying(StreamGaveUpException.class, e -> {
                        assertThat(e).isNotInstanceOf(ClientTimeoutException.class);
                        assertThat(e.attempts()).isEqualTo(3);
                        assertThat(e.lastSequence()).isEqualTo(4);
                        assertThat(e.getMessage()).contains("run_x", "3 connection attempts in a row failed");
                    });
        }
    }

    @Test
    void silentConnectionIsReplaced() throws Exception {
        StartedRun started = proxied.startRun("a gated run");
        assertThat(agents.gateReached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        StreamOptions options = StreamOptions.defaults().withIdleTimeout(Duration.ofMillis(400));
        List<AgentEvent> received = new CopyOnWriteArrayList<>();
        Disposable subscription = proxied.events(started.runId(), options).subscribe(received::add);
        try {
            int acceptedAtStart = proxy.accepted();
            // The server's heartbeat is 15 s, so the stream stays silent while the gate is closed.
            await().atMost(WAIT).until(() -> proxy.accepted() >= acceptedAtStart + 2);
            agents.openGate();
            await().atMost(WAIT).until(subscription::isDisposed);
        } finally {
            subscription.dispose();
        }
        assertThat(received).isEqualTo(run(started.runId()).log().after(0));
    }

    private static boolean terminalReceived(List<AgentEvent> received) {
        return !received.isEmpty() && received.getLast().terminal();
    }

    private AgentRun run(String runId) {
        return server.runRegistry().find(runId).orElseThrow();
    }

    private static List<Long> sequencesOf(AgentRun run) {
        return run.log().after(0).stream().map(AgentEvent::sequence).toList();
    }
}
