package dev.agentforge.tool.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class MockToolTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final ToolContext context = new ToolContext("run_1", "call_1", "anonymous");

    private static JsonNode json(String text) {
        return MAPPER.readTree(text);
    }

    @Test
    void exactMatchIgnoresKeyOrder() throws Exception {
        MockTool tool = MockTool.builder("weather")
                .respond("{\"city\":\"Paris\",\"unit\":\"C\"}", "18")
                .defaultResponse("unknown").build();

        assertThat(tool.execute(json("{\"unit\":\"C\",\"city\":\"Paris\"}"), context)).isEqualTo("18");
        assertThat(tool.execute(json("{\"city\":\"Rome\"}"), context)).isEqualTo("unknown");
    }

    @Test
    void predicateResponsesComeAfterExactOnes() throws Exception {
        MockTool tool = MockTool.builder("weather")
                .respondWhen(arguments -> arguments.path("city").asString().startsWith("P"), arguments -> "p-city")
                .respond("{\"city\":\"Paris\"}", "exact").build();

        assertThat(tool.execute(json("{\"city\":\"Paris\"}"), context)).isEqualTo("exact");
        assertThat(tool.execute(json("{\"city\":\"Prague\"}"), context)).isEqualTo("p-city");
    }

    @Test
    void missingResponseNamesTheArguments() {
        MockTool tool = MockTool.builder("weather").build();

        assertThatThrownBy(() -> tool.execute(json("{\"city\":\"Oslo\"}"), context))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("{\"city\":\"Oslo\"}");
    }

    @Test
    void seededLatencyIsRepeatable() throws Exception {
        List<Duration> first = latencies(7);
        List<Duration> second = latencies(7);

        assertThat(first).isEqualTo(second);
        assertThat(first).allSatisfy(latency -> assertThat(latency).isBetween(Duration.ofMillis(10), Duration.ofMillis(90)));
        assertThat(latencies(8)).isNotEqualTo(first);
    }

    private List<Duration> latencies(long seed) throws Exception {
        List<Duration> slept = new ArrayList<>();
        MockTool tool = MockTool.builder("slow").defaultResponse("ok")
                .latency(Latency.uniform(Duration.ofMillis(10), Duration.ofMillis(90)))
                .sleeper(slept::add).seed(seed).build();
        for (int i = 0; i < 20; i++) {
            tool.execute(json("{}"), context);
        }
        assertThat(tool.invocations()).extracting(MockTool.Invocation::latency).isEqualTo(slept);
        return slept;
    }

    @Test
    void normalLatencyIsNeverNegative() throws Exception {
        List<Duration> slept = new ArrayList<>();
        MockTool tool = MockTool.builder("jittery").defaultResponse("ok")
                .latency(Latency.normal(Duration.ofMillis(5), Duration.ofMillis(50)))
                .sleeper(slept::add).build();
        for (int i = 0; i < 200; i++) {
            tool.execute(json("{}"), context);
        }

        assertThat(slept).allSatisfy(latency -> assertThat(latency.isNegative()).isFalse());
    }

    @Test
    void errorRateFailsAboutThatShare() throws Exception {
        MockTool tool = MockTool.builder("flaky").defaultResponse("ok").errorRate(0.3).seed(1).build();
        int failures = 0;
        for (int i = 0; i < 1000; i++) {
            try {
                tool.execute(json("{}"), context);
            } catch (ToolException e) {
                failures++;
            }
        }

        assertThat(failures).isBetween(250, 350);
    }

    @Test
    void hangSleepsThroughTheSleeper() throws Exception {
        List<Duration> slept = new ArrayList<>();
        MockTool tool = MockTool.builder("stuck").defaultResponse("ok").hangRate(1.0).sleeper(slept::add).build();

        tool.execute(json("{}"), context);

        assertThat(slept).first().isEqualTo(MockTool.HANG);
    }

    @Test
    void assertionHelpersReportArguments() throws Exception {
        MockTool tool = MockTool.builder("search").defaultResponse("hit").build();
        tool.execute(json("{\"q\":\"java\"}"), context);

        tool.assertCalledTimes(1).assertCalledWith("{\"q\":\"java\"}");
        assertThat(tool.lastInvocation().index()).isEqualTo(1);
        assertThatThrownBy(() -> tool.assertCalledWith("{\"q\":\"go\"}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("[{\"q\":\"java\"}]");
        assertThatThrownBy(tool::assertNotCalled).isInstanceOf(AssertionError.class);
    }
}
