package dev.agentforge.monitor.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.RunStatus;
import dev.agentforge.event.AgentEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentProfilerTest {

    private static final int RUNS = 5;

    private static AgentProfiler profileRuns(SimulatedAgent simulated, boolean attachExecutor) throws Exception {
        AgentProfiler profiler = AgentProfiler.builder().clock(simulated.time).jfr(false).build();
        if (attachExecutor) {
            profiler.attach(simulated.executor);
        }
        for (int i = 0; i < RUNS; i++) {
            AgentRun run = simulated.agent.start("research something");
            profiler.watch(run);
            RunResult result = run.result().get(10, TimeUnit.SECONDS);
            assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> profiler.runs().size() == RUNS);
        return profiler;
    }

    private static StepStats step(List<StepStats> steps, StepKind kind, String name) {
        return steps.stream()
                .filter(step -> step.kind() == kind && step.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No step " + kind + " " + name + " in " + steps));
    }

    @Test
    void slowToolIsBottleneck() throws Exception {
        AgentProfiler profiler = profileRuns(new SimulatedAgent(), true);

        ProfileReport report = profiler.report();

        Bottleneck bottleneck = report.bottleneck();
        assertThat(bottleneck.byTotal().kind()).isEqualTo(StepKind.TOOL_CALL);
        assertThat(bottleneck.byTotal().name()).isEqualTo("search");
        assertThat(bottleneck.byTail().name()).isEqualTo("search");
        // Each run takes 3 x 200 ms of model time, 20 ms of lookup and 2 s of search: 2.62 s.
        assertThat(bottleneck.shareOfWallTime()).isCloseTo(2.0 / 2.62, within(0.01));
        assertThat(bottleneck.describe()).contains("tool_call search takes 76.3% of run wall time");
    }

    @Test
    void stepTimesMatchSimulatedLatency() throws Exception {
        AgentProfiler profiler = profileRuns(new SimulatedAgent(), true);

        List<StepStats> steps = profiler.steps();

        StepStats search = step(steps, StepKind.TOOL_CALL, "search");
        assertThat(search.count()).isEqualTo(RUNS);
        assertThat(search.total()).isEqualTo(SimulatedAgent.SEARCH_LATENCY.multipliedBy(RUNS));
        assertThat(search.max()).isEqualTo(SimulatedAgent.SEARCH_LATENCY);
        assertThat(search.p50().toMillis()).isCloseTo(2000, within(20L));
        assertThat(search.p99().toMillis()).isCloseTo(2000, within(20L));
        StepStats model = step(steps, StepKind.MODEL_CALL, "scripted");
        assertThat(model.count()).isEqualTo(3L * RUNS);
        assertThat(model.max()).isEqualTo(SimulatedAgent.MODEL_LATENCY);
        StepStats wait = step(steps, StepKind.QUEUE_WAIT, "default");
        assertThat(wait.count()).isEqualTo(2L * RUNS);
        assertThat(wait.total()).isEqualTo(Duration.ZERO);
    }

    @Test
    void runProfilesHoldWallTimeAndMemory() throws Exception {
        AgentProfiler profiler = profileRuns(new SimulatedAgent(), true);

        List<RunProfile> runs = profiler.runs();

        assertThat(runs).hasSize(RUNS);
        RunProfile first = runs.getFirst();
        assertThat(first.outcome()).isEqualTo("done");
        assertThat(first.wallTime()).isEqualTo(Duration.ofMillis(2620));
        assertThat(first.modelCalls()).isEqualTo(3);
        assertThat(first.modelTime()).isEqualTo(Duration.ofMillis(600));
        assertThat(first.toolCalls()).isEqualTo(2);
        assertThat(first.toolTime()).isEqualTo(Duration.ofMillis(2020));
        assertThat(first.retainedBytes()).isPositive();
        ProfileReport report = profiler.report();
        assertThat(report.runCount()).isEqualTo(RUNS);
        assertThat(report.retainedBytesMax()).isPositive();
    }

    @Test
    void toolTimesFromObservationsWithoutExecutor() throws Exception {
        AgentProfiler profiler = profileRuns(new SimulatedAgent(), false);

        List<StepStats> steps = profiler.steps();

        assertThat(step(steps, StepKind.TOOL_CALL, "search").total()).isEqualTo(Duration.ofSeconds(2L * RUNS));
        assertThat(steps).noneMatch(step -> step.kind() == StepKind.QUEUE_WAIT);
        assertThat(profiler.report().bottleneck().byTotal().name()).isEqualTo("search");
    }

    @Test
    void modelCallListenerTimesModelCalls() throws Exception {
        SimulatedAgent simulated = new SimulatedAgent();
        AgentProfiler profiler = AgentProfiler.builder().clock(simulated.time).jfr(false).build().attach(simulated.executor);
        simulated.modelCalls.set(profiler.modelCallListener());

        AgentRun run = simulated.agent.start("research something");
        profiler.watch(run);
        run.result().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> profiler.runs().size() == 1);

        StepStats model = step(profiler.steps(), StepKind.MODEL_CALL, "scripted");
        assertThat(model.count()).isEqualTo(3);
        assertThat(model.total()).isEqualTo(Duration.ofMillis(600));
        RunProfile profile = profiler.runs().getFirst();
        assertThat(profile.modelCalls()).isEqualTo(3);
        assertThat(profile.modelTime()).isEqualTo(Duration.ofMillis(600));
        assertThat(profile.wallTime()).isEqualTo(Duration.ofMillis(2620));
    }

    @Test
    void deliveryLagIsTimed() throws Exception {
        SimulatedAgent simulated = new SimulatedAgent();
        AgentProfiler profiler = AgentProfiler.builder().clock(simulated.time).jfr(false).build();
        AgentRun run = simulated.agent.start("research something");
        run.result().get(10, TimeUnit.SECONDS);
        simulated.time.advance(Duration.ofMillis(50));

        List<AgentEvent> delivered = profiler.timeDelivery(run.events(), "sse").collectList().block();

        StepStats delivery = step(profiler.steps(), StepKind.STREAM_DELIVERY, "sse");
        assertThat(delivery.count()).isEqualTo(delivered.size());
        assertThat(delivery.p50().toMillis()).isGreaterThanOrEqualTo(50);
        assertThat(profiler.report().bottleneck().byTotal()).isNull();
    }

    @Test
    void reportRendersTextJsonAndHtml() throws Exception {
        AgentProfiler profiler = profileRuns(new SimulatedAgent(), true);
        ProfileReport report = profiler.report();

        String text = report.toText();
        JsonNode json = JsonMapper.builder().build().readTree(report.toJson());
        String html = report.toHtml();

        assertThat(text).contains("Bottleneck by total time: tool_call search");
        assertThat(text).contains("Bottleneck by tail latency: tool_call search has the highest p99, 2.00 s");
        assertThat(json.get("runCount").asLong()).isEqualTo(RUNS);
        assertThat(json.get("bottleneck").get("byTotal").get("name").asString()).isEqualTo("search");
        assertThat(json.get("steps").get(0).get("p99Millis").asDouble()).isCloseTo(2000, within(20.0));
        assertThat(json.get("runs")).hasSize(RUNS);
        assertThat(html).startsWith("<!DOCTYPE html>");
        assertThat(html).contains("<svg").contains("<rect").contains("tool_call search");
        assertThat(html).doesNotContain("<script").doesNotContain("src=").doesNotContain("href=");
    }

    @Test
    void resetClearsDistributions() throws Exception {
        AgentProfiler profiler = profileRuns(new SimulatedAgent(), true);

        profiler.reset();

        assertThat(profiler.steps()).isEmpty();
        assertThat(profiler.runs()).isEmpty();
        assertThat(profiler.report().runCount()).isZero();
    }
}
