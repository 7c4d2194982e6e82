package dev.agentforge.server;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.tool.Tool;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/** Agents for server tests, driven by a scripted model and test tools. */
final class TestAgents {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Counts down once per call of the {@code block} tool, which then waits until interrupted. */
    final CountDownLatch blockStarted = new CountDownLatch(1);

    /** The number of {@code block} calls that ended because their thread was interrupted. */
    final AtomicInteger blockInterrupted = new AtomicInteger();

    /**
     * Creates an agent whose model follows these rules: an input containing {@code block} calls
     * the {@code block} tool, {@code echo <text>} calls {@code echo} and replies with its result,
     * and anything else gets the reply {@code Hello from the scripted model}.
     */
    Agent agent() {
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("block", "block", turn -> turn.step() == 0
                        ? ScriptStep.callTool("block", "{}")
                        : ScriptStep.answer("unblocked"))
                .rule("echo", "echo (.+)", turn -> turn.step() == 0
                        ? ScriptStep.callTool("echo", JSON.writeValueAsString(java.util.Map.of("text", turn.group(1))))
                        : ScriptStep.answer("The echo tool returned " + turn.lastResult().text()))
                .fallback(turn -> ScriptStep.answer("Hello from the scripted model"))
                .build();
        return Agent.builder()
                .model(model)
                .modelName("scripted")
                .tools(echoTool(), blockTool())
                .build();
    }

    private static Tool echoTool() {
        return Tool.builder("echo")
                .description("Returns the text it is given.")
                .parameters("""
                        {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
                        """)
                .handler((arguments, context) -> arguments.get("text").asString())
                .build();
    }

    private Tool blockTool() {
        return Tool.builder("block")
                .description("Waits until the run is cancelled.")
                .handler((arguments, context) -> {
                    blockStarted.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        blockInterrupted.incrementAndGet();
                        throw e;
                    }
                    return "never";
                })
                .build();
    }
}
