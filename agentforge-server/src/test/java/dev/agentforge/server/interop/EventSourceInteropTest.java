package dev.agentforge.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.server.AgentServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Watches a run with the npm package eventsource 4.x through a proxy that the test severs while
 * the run waits in a tool. The EventSource must reconnect by itself with Last-Event-ID, receive
 * every event exactly once, and stop after the server's 204 that follows the terminal event.
 */
class EventSourceInteropTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final InteropAgents agents = new InteropAgents();
    private AgentServer server;
    private CuttingProxy proxy;

    @BeforeEach
    void start() throws Exception {
        server = AgentServer.create(agents.agent()).port(0).sseRetry(Duration.ofMillis(300)).start();
        proxy = CuttingProxy.start(server.port());
    }

    @AfterEach
    void stop() {
        agents.openGate();
        proxy.close();
        server.stop();
    }

    @Test
    void eventSourceResumesAfterCut() throws Exception {
        AgentRun run = server.runRegistry().start(agents.agent(), RunRequest.of("a gated run"));
        String eventsUrl = proxy.url() + "/v1/runs/" + run.id() + "/events";

        try (NodeScripts.ScriptProcess script = NodeScripts.start("eventsource-watch.mjs", eventsUrl,
                Long.toString(TIMEOUT.toMillis()))) {
            script.await(line -> line.path("type").asString().equals("action"), TIMEOUT);
            assertThat(agents.gateReached.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(proxy.severAll()).as("sockets severed").isPositive();
            agents.openGate();

            script.await(line -> line.path("kind").asString().equals("closed"), TIMEOUT);
            assertThat(script.waitFor(TIMEOUT)).as("exit code; %s", script.diagnostics()).isZero();

            List<JsonNode> lines = script.lines();
            List<JsonNode> events = lines.stream().filter(line -> line.path("kind").asString().equals("event")).toList();
            long opens = lines.stream().filter(line -> line.path("kind").asString().equals("open")).count();
            assertThat(opens).as("connections opened; %s", lines).isGreaterThanOrEqualTo(2);
            ObservedEvents.assertExactlyOnce(run, events);
        }
    }
}
