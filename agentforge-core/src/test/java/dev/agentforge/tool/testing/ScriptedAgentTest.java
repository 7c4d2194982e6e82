package dev.agentforge.tool.testing;

import static dev.agentforge.tool.testing.ScriptedToolCalls.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.RunStatus;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.tool.ChildRuns;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolExecutor;
import dev.agentforge.tool.ToolHealth;
import dev.agentforge.tool.ToolLifecycle;
import dev.agentforge.tool.ToolRegistry;
import dev.agentforge.tool.ToolSettings;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ScriptedAgentTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void scriptedCallsGiveExactEventSequence() throws Exception {
        MockTool weather = MockTool.builder("weather")
                .parameters("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}")
                .respond("{\"city\":\"Paris\"}", "18 C")
                .respond("{\"city\":\"Rome\"}", "24 C")
                .build();
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("weather", "weather", ScriptedToolCalls.inOrder(
                        ScriptStep.callTools(call("weather", Map.of("city", "Paris")), call("weather", Map.of("city", "Rome"))),
                        ScriptStep.callTool("weather", "{\"city\":\"Oslo\"}"),
                        ScriptStep.answer("Paris 18 C, Rome 24 C")))
                .build();
        Agent agent = Agent.builder().model(model).tools(weather).runIds(() -> "run_1").build();

        AgentRun run = agent.start("What is the weather in Paris and Rome?");
        RunResult result = run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        List<AgentEvent> events = run.events().collectList().block(WAIT);

        assertThat(result.answer()).isEqualTo("Paris 18 C, Rome 24 C");
        assertThat(events).extracting(AgentEvent::type).containsExactly("run_started", "action", "action", "observation",
                "observation", "action", "observation", "token", "token", "token", "token", "token", "token", "done");
        assertThat(events).filteredOn(event -> event instanceof Observation).extracting(event -> ((Observation) event).callId())
                .containsExactly("call_1", "call_2", "call_3");
        weather.assertCalledTimes(3).assertCalledWith("{\"city\":\"Rome\"}");
        assertThat(((Observation) events.get(6)).error()).contains("has no response for the arguments {\"city\":\"Oslo\"}");
    }

    @Test
    void withdrawnToolIsNotOfferedToModel() throws Exception {
        class Database implements ToolLifecycle {
            @Override
            public ToolHealth checkHealth() {
                return ToolHealth.down("the database does not answer");
            }
        }
        Database lifecycle = new Database();
        Tool database = new LifecycleTool("database", lifecycle);
        Tool clock = Tool.builder("clock").description("Returns the time").handler((arguments, context) -> "noon").build();
        AtomicReference<List<String>> offered = new AtomicReference<>();
        ScriptedChatModel scripted = ScriptedChatModel.builder().fallback(turn -> ScriptStep.answer("done")).build();
        dev.langchain4j.model.chat.ChatModel recording = new dev.langchain4j.model.chat.ChatModel() {
            @Override
            public dev.langchain4j.model.chat.response.ChatResponse doChat(ChatRequest request) {
                offered.set(request.toolSpecifications().stream().map(ToolSpecification::name).toList());
                return scripted.asChatModel().chat(request);
            }
        };
        try (ToolExecutor executor = new ToolExecutor(ToolRegistry.of(database, clock))) {
            executor.initializeTools();
            executor.checkHealth();
            Agent agent = Agent.builder().model(recording).toolExecutor(executor).build();

            agent.start("Anything").result().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(offered.get()).containsExactly("clock");
        }
    }

    /** A tool whose lifecycle is a separate object, forwarded to it. */
    private static final class LifecycleTool implements Tool, ToolLifecycle {
        private final Tool tool;
        private final ToolLifecycle lifecycle;

        LifecycleTool(String name, ToolLifecycle lifecycle) {
            this.tool = Tool.builder(name).description("A tool with a lifecycle").handler((arguments, context) -> "ok").build();
            this.lifecycle = lifecycle;
        }

        @Override
        public String name() {
            return tool.name();
        }

        @Override
        public String description() {
            return tool.description();
        }

        @Override
        public tools.jackson.databind.JsonNode parameters() {
            return tool.parameters();
        }

        @Override
        public Object execute(tools.jackson.databind.JsonNode arguments, dev.agentforge.tool.ToolContext context)
                throws Exception {
            return tool.execute(arguments, context);
        }

        @Override
        public ToolHealth checkHealth() throws Exception {
            return lifecycle.checkHealth();
        }
    }

    @Test
    void cancellingParentRunCancelsChildRun() throws Exception {
        Tool forever = Tool.builder("forever").description("Blocks until interrupted").handler((arguments, context) -> {
            new java.util.concurrent.CountDownLatch(1).await();
            return "never";
        }).build();
        Agent childAgent = Agent.builder()
                .model(ScriptedChatModel.builder().fallback(turn -> ScriptStep.callTool("forever", "{}")).build())
                .tools(forever).build();
        AtomicReference<AgentRun> child = new AtomicReference<>();
        Tool delegate = Tool.builder("delegate").description("Starts a child run and waits for it")
                .settings(ToolSettings.builder().timeout(Duration.ofMinutes(5)).build())
                .handler((arguments, context) -> {
                    AgentRun run = ChildRuns.start(childAgent, RunRequest.of("work"), context);
                    child.set(run);
                    return run.result().get().status().name();
                }).build();
        Agent parent = Agent.builder()
                .model(ScriptedChatModel.builder().fallback(turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("delegate", "{}") : ScriptStep.answer("finished")).build())
                .tools(delegate).build();

        AgentRun run = parent.start("Delegate the work");
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> child.get() != null);
        run.cancel("the user pressed stop");

        RunResult childResult = child.get().result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(childResult.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(childResult.cancelReason()).contains("the user pressed stop");
    }
}
