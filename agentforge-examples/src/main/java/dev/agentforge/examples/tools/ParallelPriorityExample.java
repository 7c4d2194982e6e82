package dev.agentforge.examples.tools;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.event.Observation;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolExecutionEvent;
import dev.agentforge.tool.ToolExecutor;
import dev.agentforge.tool.ToolPriority;
import dev.agentforge.tool.ToolRegistry;
import dev.agentforge.tool.ToolSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Five tool calls of one model turn in a pool that runs one call at a time. The first call keeps the
 * slot until the other four wait; they then start by priority (high, normal, low), while the model
 * still gets every observation in call order. A fifth call hangs and times out after 300 ms without
 * losing its siblings' results.
 */
public final class ParallelPriorityExample {

    private ParallelPriorityExample() {
    }

    /**
     * The observed result of the example run.
     *
     * @param startOrder the tools in the order their handlers started
     * @param result the run's result
     */
    public record Report(List<String> startOrder, RunResult result) {
    }

    public static void main(String[] args) throws Exception {
        Report report = run(System.out);
        System.out.println("Start order: " + report.startOrder());
        System.out.println("Answer: " + report.result().answer());
    }

    /** Runs the turn and prints each observation and the meters. */
    public static Report run(PrintStream out) throws Exception {
        CountDownLatch othersQueued = new CountDownLatch(4);
        Tool warmup = Tool.builder("warmup").description("Holds the slot until the other calls wait")
                .handler((arguments, context) -> othersQueued.await(10, TimeUnit.SECONDS) ? "warm" : "no queue formed")
                .build();
        Tool alert = constant("alert", "Checks the alerts", "no alerts");
        Tool status = constant("status", "Returns the service status", "all green");
        Tool report = constant("report", "Builds the weekly report", "report ready");
        Tool stuck = Tool.builder("stuck").description("Never answers")
                .handler((arguments, context) -> {
                    new CountDownLatch(1).await();
                    return "never";
                }).build();

        List<String> startOrder = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ToolExecutor executor = ToolExecutor.builder(ToolRegistry.of(warmup, alert, status, report, stuck))
                .pool("ops", 1)
                .defaultSettings(ToolSettings.builder().pool("ops").build())
                .settings("alert", ToolSettings.builder().pool("ops").priority(ToolPriority.HIGH).build())
                .settings("report", ToolSettings.builder().pool("ops").priority(ToolPriority.LOW).build())
                .settings("stuck", ToolSettings.builder().pool("ops").priority(ToolPriority.LOW)
                        .timeout(Duration.ofMillis(300)).build())
                .build()) {
            executor.bindTo(meters);
            executor.addListener(event -> {
                switch (event) {
                    case ToolExecutionEvent.Queued queued -> othersQueued.countDown();
                    case ToolExecutionEvent.Started started -> startOrder.add(started.tool());
                    default -> {
                    }
                }
            });
            ScriptedChatModel model = ScriptedChatModel.builder()
                    .rule("check", "check", turn -> turn.results().isEmpty()
                            ? ScriptStep.callTools(
                                    new ScriptStep.Call("warmup", "{}"),
                                    new ScriptStep.Call("report", "{}"),
                                    new ScriptStep.Call("status", "{}"),
                                    new ScriptStep.Call("alert", "{}"),
                                    new ScriptStep.Call("stuck", "{}"))
                            : ScriptStep.answer(String.join(" | ", turn.results().stream().map(r -> r.text()).toList())))
                    .build();
            Agent agent = Agent.builder().model(model).toolExecutor(executor).modelName("scripted").build();

            AgentRun run = agent.start("Run the morning checks");
            run.events().ofType(Observation.class)
                    .doOnNext(observation -> out.println(observation.callId() + " " + observation.tool() + " -> "
                            + (observation.failed() ? "error: " + observation.error() : observation.result())))
                    .blockLast();
            RunResult result = run.result().get();
            out.println("calls by outcome: succeeded=" + meters.get("agentforge.tool.calls").tag("outcome", "succeeded")
                    .counters().stream().mapToDouble(counter -> counter.count()).sum()
                    + ", timed_out=" + meters.get("agentforge.tool.calls").tag("outcome", "timed_out").counter().count());
            return new Report(List.copyOf(startOrder), result);
        }
    }

    private static Tool constant(String name, String description, String result) {
        return Tool.builder(name).description(description).handler((arguments, context) -> result).build();
    }
}
