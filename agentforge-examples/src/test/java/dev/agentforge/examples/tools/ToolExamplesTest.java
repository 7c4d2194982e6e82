package dev.agentforge.examples.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ToolExamplesTest {

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void priorityExampleStartsHighPriorityFirst() throws Exception {
        ParallelPriorityExample.Report report = ParallelPriorityExample.run(out);

        assertThat(report.startOrder()).containsExactly("warmup", "alert", "status", "report", "stuck");
        assertThat(report.result().answer()).startsWith("warm | report ready | all green | no alerts | Error: Tool 'stuck'"
                + " timed out after 300ms");
        assertThat(printed().lines().findFirst().orElseThrow()).isEqualTo("call_1 warmup -> warm");
        assertThat(printed()).contains("succeeded=4.0, timed_out=1.0");
    }

    @Test
    void databaseExampleCountsAndCloses() throws Exception {
        RunResult result = DatabaseToolExample.run(out);

        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("shipped {\"status\":\"shipped\",\"count\":3}, open {\"status\":\"open\",\"count\":1},"
                + " refunded {\"status\":\"refunded\",\"count\":1}");
        assertThat(printed().lines().findFirst().orElseThrow()).isEqualTo("initialise: pool 'orders' opened, 5 orders loaded");
        assertThat(printed()).contains("health: {count_orders=ToolHealth[healthy=true, detail=null]}")
                .contains("close: pool 'orders' closed").contains("pool closed: true");
    }

    @Test
    void researchExampleSummarisesAndCaches() throws Exception {
        RunResult result = ResearchPipelineExample.run(out);

        assertThat(result.answer()).isEqualTo("Virtual threads are lightweight threads scheduled by the JDK.");
        assertThat(printed().lines().findFirst().orElseThrow()).isEqualTo("research calls: 2, answered from cache: 1");
    }

    @Test
    void testingExampleIsDeterministic() throws Exception {
        ToolTestingExample.Observed first = ToolTestingExample.run(out);
        ToolTestingExample.Observed second = ToolTestingExample.run(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));

        assertThat(first.result().answer()).isEqualTo("Hotels found; flights unavailable");
        assertThat(first.events()).containsExactly("run_started", "action", "action", "observation", "observation",
                "token", "token", "token", "token", "done");
        assertThat(first.flightCalls()).isEqualTo(1);
        assertThat(second.events()).isEqualTo(first.events());
        assertThat(printed().lines().findFirst().orElseThrow()).isEqualTo("run_started ");
        assertThat(printed()).contains("flights -> error: Tool 'flights' timed out after 2s");
    }
}
