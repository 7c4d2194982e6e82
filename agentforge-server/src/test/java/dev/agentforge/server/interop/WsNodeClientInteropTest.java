package dev.agentforge.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AskUserTool;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.server.AgentServer;
import dev.agentforge.server.transport.WebSocketHub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs the npm {@code ws} client (8.23.1, pinned in src/test/js/package-lock.json) against
 * {@code /v1/ws}: ws-ask-user.mjs starts a run whose model calls {@code ask_user}, replies to the
 * {@code waiting_input} event with an {@code input} message, reads until {@code done}, and then
 * cancels a second run while it waits.
 */
class WsNodeClientInteropTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private AgentServer server;

    @BeforeEach
    void startServer() {
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("book", "book", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("ask_user", "{\"question\":\"Which day?\"}")
                        : ScriptStep.answer("Booked for " + turn.lastResult().text()))
                .build();
        Agent agent = Agent.builder().model(model).modelName("scripted").tools(AskUserTool.create()).build();
        server = AgentServer.create(agent).port(0).start();
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    @Test
    void wsClientAnswersAskUser() throws Exception {
        String url = server.url().replace("http://", "ws://") + WebSocketHub.PATH;
        List<JsonNode> lines;
        JsonNode result;
        try (NodeScripts.ScriptProcess script = NodeScripts.start("ws-ask-user.mjs", url, "book a table")) {
            result = script.await(line -> line.path("kind").asString().equals("result"), TIMEOUT);
            assertThat(script.waitFor(TIMEOUT)).as("exit code; %s", script.diagnostics()).isZero();
            lines = script.lines();
        }

        assertThat(result.path("ok").asBoolean()).as("script result: %s", result).isTrue();
        assertThat(result.path("question").asString()).isEqualTo("Which day?");
        assertThat(result.path("inputAck").path("type").asString()).isEqualTo("ack");
        assertThat(result.path("inputAck").path("request").asString()).isEqualTo("input");
        assertThat(result.path("answer").asString()).isEqualTo("Booked for Friday");
        assertThat(result.path("cancelAck").path("type").asString()).isEqualTo("ack");
        assertThat(result.path("cancelReason").asString()).isEqualTo("the user left");

        String runId = result.path("runId").asString();
        long last = server.runRegistry().find(runId).orElseThrow().log().lastSequence();
        List<Long> sequences = new ArrayList<>();
        result.path("sequences").forEach(sequence -> sequences.add(sequence.asLong()));
        assertThat(sequences).as("each event of the answered run once, in order").hasSize((int) last);
        for (int i = 0; i < sequences.size(); i++) {
            assertThat(sequences.get(i)).isEqualTo(i + 1L);
        }

        List<String> types = new ArrayList<>();
        for (JsonNode line : lines) {
            JsonNode message = line.path("message");
            if (message.path("type").asString().equals("event") && message.path("runId").asString().equals(runId)) {
                types.add(message.path("event").path("type").asString());
            }
        }
        assertThat(types).containsSubsequence("run_started", "action", "waiting_input", "observation", "done");
    }
}
