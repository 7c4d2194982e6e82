package dev.agentforge.examples.agui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgUiFrontendExampleTest {

    @Test
    void frontendRendersToolRun() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

        AgUiFrontendExample.Result result = AgUiFrontendExample.run("What is 6 * 7?", out);

        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(printed.lines().findFirst().orElseThrow()).isEqualTo("user: What is 6 * 7?");
        assertThat(result.serverRunId()).startsWith("run_");
        assertThat(result.eventTypes()).first().isEqualTo("RUN_STARTED");
        assertThat(result.eventTypes()).last().isEqualTo("RUN_FINISHED");
        assertThat(result.eventTypes()).containsSubsequence("TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END",
                "TOOL_CALL_RESULT", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END");
        assertThat(result.toolResult()).isEqualTo("42");
        assertThat(result.text()).isEqualTo("6 * 7 = 42");
        assertThat(result.finishedResult()).isEqualTo("6 * 7 = 42");
        assertThat(printed).contains("[calling calculator]").contains("assistant: 6 * 7 = 42");
    }
}
