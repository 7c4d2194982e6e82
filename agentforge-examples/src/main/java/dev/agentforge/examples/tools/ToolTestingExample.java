package dev.agentforge.examples.tools;

import static dev.agentforge.tool.testing.ScriptedToolCalls.call;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.tool.ToolExecutor;
import dev.agentforge.tool.ToolRegistry;
import dev.agentforge.tool.ToolSettings;
import dev.agentforge.tool.testing.Latency;
import dev.agentforge.tool.testing.ManualTime;
import dev.agentforge.tool.testing.MockTool;
import dev.agentforge.tool.testing.ScriptedToolCalls;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How to test an agent's tool use without a model, a network or real waiting: a scripted model makes the
 * calls, mock tools respond with seeded latency on manual time, and the test moves the time to
 * trigger a timeout. Every run prints the same events.
 */
public final class ToolTestingExample {

    private ToolTestingExample() {
    }

    /**
     * The observed result of the example run.
     *
     * @param events the types of the run's events, in order
     * @param result the run's result
     * @param flightCalls how often the flight mock was called
     */
    public record Observed(List<String> events, RunResult result, int flightCalls) {
    }

    public static void main(String[] args) throws Exception {
        Observed observed = run(System.out);
        System.out.println("Events: " + observed.events());
        System.out.println("Answer: " + observed.result().answer());
    }

    /** Runs one scripted turn with a fast mock and a mock that hangs until its timeout. */
    public static Observed run(PrintStream out) throws Exception {
        ManualTime time = new ManualTime();
        MockTool hotels = MockTool.builder("hotels")
                .parameters("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")
                .respond("{\"city\":\"Lisbon\"}", "3 hotels under 120 EUR")
                .latency(Latency.normal(Duration.ofMillis(80), Duration.ofMillis(20)))
                .sleeper(time::sleep)
                .seed(7)
                .build();
        MockTool flights = MockTool.builder("flights")
                .parameters("{\"type\":\"object\",\"properties\":{\"to\":{\"type\":\"string\"}}}")
                .defaultResponse("2 flights")
                .hangRate(1.0)
                .sleeper(time::sleep)
                .build();
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("trip", "trip", ScriptedToolCalls.inOrder(
                        ScriptStep.callTools(call("hotels", Map.of("city", "Lisbon")), call("flights", Map.of("to", "LIS"))),
                        ScriptStep.answer("Hotels found; flights unavailable")))
                .build();
        try (ToolExecutor executor = ToolExecutor.builder(ToolRegistry.of(hotels, flights))
                .clock(time).scheduler(time)
                .defaultSettings(ToolSettings.builder().timeout(Duration.ofSeconds(2)).build())
                .build()) {
            Agent agent = Agent.builder().model(model).toolExecutor(executor).clock(time).runIds(() -> "run_test")
                    .modelName("scripted").build();

            AgentRun run = agent.start("Plan a trip to Lisbon");
            // Both mocks now sleep on manual time: the hotel search for its drawn latency, the flight search "forever".
            time.awaitSleepers(2);
            time.advance(Duration.ofSeconds(2));
            RunResult result = run.result().get();

            List<String> events = run.events().map(AgentEvent::type).collectList().block();
            run.events().subscribe(event -> out.println(event.type() + " " + describe(event)));
            hotels.assertCalledTimes(1).assertCalledWith("{\"city\":\"Lisbon\"}");
            out.println("hotel latency drawn: " + hotels.lastInvocation().latency().toMillis() + " ms (seed 7)");
            return new Observed(events, result, flights.invocationCount());
        }
    }

    private static String describe(AgentEvent event) {
        return switch (event) {
            case dev.agentforge.event.Observation observation -> observation.tool() + " -> "
                    + (observation.failed() ? "error: " + observation.error() : observation.result());
            case dev.agentforge.event.RunCompleted done -> done.answer();
            default -> "";
        };
    }
}
