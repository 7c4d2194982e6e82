package dev.agentforge.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.server.AgentServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs the official AG-UI JavaScript client, {@code HttpAgent} of @ag-ui/client 1.0.0, against
 * {@code POST /v1/agui} with a tool-using run, and checks that @ag-ui/core's schema accepts every
 * event and that the client assembles the whole run: the answer text and the tool call's result.
 */
class AgUiClientInteropTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private AgentServer server;

    @BeforeEach
    void startServer() {
        server = AgentServer.create(new InteropAgents().agent()).port(0).start();
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    @Test
    void httpAgentRunsToolUsingRun() throws Exception {
        List<JsonNode> lines;
        try (NodeScripts.ScriptProcess script = NodeScripts.start("agui-run.mjs", server.url() + "/v1/agui",
                "calculate 6 * 7")) {
            JsonNode result = script.await(line -> line.path("kind").asString().equals("result"), TIMEOUT);
            assertThat(script.waitFor(TIMEOUT)).as("exit code; %s", script.diagnostics()).isZero();
            lines = script.lines();
            assertThat(result.path("ok").asBoolean()).as("HttpAgent result: %s", result).isTrue();
            assertThat(result.path("warnings").size()).as("client warnings: %s", result.path("warnings")).isZero();
            assertThat(result.path("result").asString()).isEqualTo("The result is 42.");

            JsonNode assistantText = null;
            JsonNode toolMessage = null;
            JsonNode toolCall = null;
            for (JsonNode message : result.path("newMessages")) {
                String role = message.path("role").asString();
                if (role.equals("assistant") && message.has("toolCalls")) {
                    toolCall = message.path("toolCalls").get(0);
                }
                if (role.equals("assistant") && message.path("content").isString()) {
                    assistantText = message;
                }
                if (role.equals("tool")) {
                    toolMessage = message;
                }
            }
            assertThat(assistantText).as("assistant text message in %s", result.path("newMessages")).isNotNull();
            assertThat(assistantText.path("content").asString()).isEqualTo("The result is 42.");
            assertThat(toolCall).as("tool call in %s", result.path("newMessages")).isNotNull();
            assertThat(toolCall.path("function").path("name").asString()).isEqualTo("calculator");
            assertThat(toolCall.path("function").path("arguments").asString()).isEqualTo("{\"expression\":\"6 * 7\"}");
            assertThat(toolMessage).as("tool message in %s", result.path("newMessages")).isNotNull();
            assertThat(toolMessage.path("content").asString()).isEqualTo("42");
            assertThat(toolMessage.path("toolCallId").asString()).isEqualTo(toolCall.path("id").asString());
        }

        List<String> rawTypes = new ArrayList<>();
        List<String> clientTypes = new ArrayList<>();
        for (JsonNode line : lines) {
            String kind = line.path("kind").asString();
            if (kind.equals("raw") || kind.equals("event")) {
                assertThat(line.path("issues").isNull())
                        .as("schema issues of %s: %s", line.path("event"), line.path("issues")).isTrue();
                (kind.equals("raw") ? rawTypes : clientTypes).add(line.path("event").path("type").asString());
            }
            if (kind.equals("raw")) {
                assertThat(line.path("status").asInt()).isEqualTo(200);
                assertThat(line.path("contentType").asString()).startsWith("text/event-stream");
            }
        }
        assertThat(rawTypes).first().isEqualTo("RUN_STARTED");
        assertThat(rawTypes).last().isEqualTo("RUN_FINISHED");
        assertThat(rawTypes).contains("STEP_STARTED", "STEP_FINISHED", "REASONING_START", "REASONING_MESSAGE_START",
                "REASONING_MESSAGE_CONTENT", "REASONING_MESSAGE_END", "REASONING_END", "TOOL_CALL_START",
                "TOOL_CALL_ARGS", "TOOL_CALL_END", "TOOL_CALL_RESULT", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT",
                "TEXT_MESSAGE_END");
        assertThat(clientTypes).isEqualTo(rawTypes);
    }
}
