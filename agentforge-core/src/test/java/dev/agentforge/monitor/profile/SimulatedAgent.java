package dev.agentforge.monitor.profile;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.ModelCallListener;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolExecutor;
import dev.agentforge.tool.ToolRegistry;
import dev.agentforge.tool.testing.ManualTime;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An agent on manual time whose model and tools move the clock by fixed latencies instead of waiting:
 * each model call takes 200 ms, {@code lookup} 20 ms and {@code search} 2 s. Each run calls lookup,
 * then search, then gives its answer, so it makes three model calls.
 */
final class SimulatedAgent {

    static final Duration MODEL_LATENCY = Duration.ofMillis(200);
    static final Duration LOOKUP_LATENCY = Duration.ofMillis(20);
    static final Duration SEARCH_LATENCY = Duration.ofSeconds(2);

    final ManualTime time = new ManualTime();
    /** The listener the agent passes each model call to, set by a test; null for none. */
    final AtomicReference<ModelCallListener> modelCalls = new AtomicReference<>();
    final ToolExecutor executor;
    final Agent agent;

    SimulatedAgent() {
        ToolRegistry registry = ToolRegistry.of(
                Tool.builder("lookup").description("Looks up a fact")
                        .handler((arguments, context) -> {
                            time.advance(LOOKUP_LATENCY);
                            return "fact";
                        }).build(),
                Tool.builder("search").description("Searches slowly")
                        .handler((arguments, context) -> {
                            time.advance(SEARCH_LATENCY);
                            return "hit";
                        }).build());
        executor = ToolExecutor.builder(registry).clock(time).scheduler(time).build();
        ScriptedChatModel script = ScriptedChatModel.builder()
                .rule("research", ".*", turn -> switch (turn.step()) {
                    case 0 -> ScriptStep.callTool("lookup", "{}");
                    case 1 -> ScriptStep.callTool("search", "{}");
                    default -> ScriptStep.answer("done after " + turn.step() + " tools");
                })
                .build();
        ChatModel scripted = script.asChatModel();
        ChatModel slowModel = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                time.advance(MODEL_LATENCY);
                return scripted.chat(request);
            }
        };
        agent = Agent.builder().model(slowModel).modelName("scripted").toolExecutor(executor).clock(time)
                .modelCallListener((run, call) -> {
                    ModelCallListener listener = modelCalls.get();
                    if (listener != null) {
                        listener.onModelCall(run, call);
                    }
                })
                .build();
    }
}
