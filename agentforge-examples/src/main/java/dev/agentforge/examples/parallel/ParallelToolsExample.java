package dev.agentforge.examples.parallel;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.event.Observation;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Several tool calls in one model turn. They run concurrently, their observations arrive in the order
 * the model made the calls whatever order they finish in, and a failing call does not lose the
 * results of the others.
 */
public final class ParallelToolsExample {

    private ParallelToolsExample() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("Answer: " + run(System.out).answer());
    }

    /** Runs one turn with three calls and prints the observations in the order they are sent. */
    public static RunResult run(PrintStream out) throws Exception {
        // The first call waits for the second, so it finishes last but is still reported first.
        CountDownLatch secondDone = new CountDownLatch(1);
        Tool inventory = Tool.builder("inventory")
                .description("Returns the stock of a warehouse")
                .parameters("{\"type\":\"object\",\"properties\":{\"warehouse\":{\"type\":\"string\"}},\"required\":[\"warehouse\"]}")
                .handler((arguments, context) -> {
                    String warehouse = arguments.get("warehouse").asString();
                    switch (warehouse) {
                        case "north" -> secondDone.await();
                        case "south" -> secondDone.countDown();
                        default -> throw new ToolException("No warehouse named '" + warehouse
                                + "'. Known warehouses: north, south.");
                    }
                    return warehouse + ": 120 units";
                })
                .build();
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("stock", "stock", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTools(
                                new ScriptStep.Call("inventory", "{\"warehouse\": \"north\"}"),
                                new ScriptStep.Call("inventory", "{\"warehouse\": \"south\"}"),
                                new ScriptStep.Call("inventory", "{\"warehouse\": \"east\"}"))
                        : ScriptStep.answer(turn.results().size() + " results: "
                                + String.join(" | ", turn.results().stream().map(r -> r.text()).toList())))
                .build();
        Agent agent = Agent.builder().model(model).tools(inventory).modelName("scripted").build();

        AgentRun run = agent.start("What is the stock in every warehouse?");
        run.events().ofType(Observation.class)
                .doOnNext(observation -> out.println(observation.callId() + " -> "
                        + (observation.failed() ? "error: " + observation.error() : observation.result())))
                .blockLast();
        return run.result().get();
    }
}
