package dev.agentforge.examples.basics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.RunStatus;
import dev.agentforge.examples.annotated.AnnotatedToolsExample;
import dev.agentforge.examples.cancel.CancellationExample;
import dev.agentforge.examples.parallel.ParallelToolsExample;
import dev.agentforge.examples.quickstart.QuickstartExample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BasicExamplesTest {

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void quickstartCallsTheToolAndAnswers() throws Exception {
        RunResult result = QuickstartExample.run("What is the weather in Oslo?", out);

        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).contains("\"celsius\":-3");
        assertThat(printed().lines().findFirst().orElseThrow()).startsWith("{\"type\":\"run_started\"");
        assertThat(printed()).contains("\"type\":\"action\"").contains("\"type\":\"done\"");
    }

    @Test
    void annotatedToolsBindArguments() throws Exception {
        RunResult result = AnnotatedToolsExample.run("How many days from 2026-01-01 to 2026-12-24?", out);

        assertThat(result.answer()).isEqualTo("There are 357 days from 2026-01-01 to 2026-12-24.");
        assertThat(printed()).contains("calls daysBetween");
    }

    @Test
    void parallelResultsKeepCallOrder() throws Exception {
        RunResult result = ParallelToolsExample.run(out);

        assertThat(printed().lines().toList()).containsExactly(
                "call_1 -> north: 120 units",
                "call_2 -> south: 120 units",
                "call_3 -> error: No warehouse named 'east'. Known warehouses: north, south.");
        assertThat(result.answer()).startsWith("3 results: north: 120 units | south: 120 units | Error:");
    }

    @Test
    void cancellationInterruptsTheTool() throws Exception {
        RunResult result = CancellationExample.run(out);

        assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(result.cancelReason()).isEqualTo("the user closed the page");
        assertThat(printed()).contains("\"type\":\"cancelled\"").contains("tool interrupted: true");
    }
}
