package dev.agentforge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentforge.event.Action;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.EventCodec;
import dev.agentforge.event.Observation;
import dev.agentforge.event.RunCancelled;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.WaitingInput;
import dev.agentforge.tool.Tool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AskUserToolTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static Tool echo() {
        return Tool.builder("echo")
                .description("Returns its text")
                .parameters("""
                        {"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}""")
                .handler((arguments, context) -> arguments.get("text").asString())
                .build();
    }

    private static Agent agent(AskUserTool askUser) {
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("ask", "book", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("ask_user", "{\"question\":\"Which day?\"}")
                        : ScriptStep.answer("Booked for " + turn.lastResult().text()))
                .rule("mixed", "mixed", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTools(new ScriptStep.Call("echo", "{\"text\":\"first\"}"),
                                new ScriptStep.Call("ask_user", "{\"question\":\"Sure?\"}"),
                                new ScriptStep.Call("echo", "{\"text\":\"third\"}"))
                        : ScriptStep.answer(String.join(",", turn.results().stream().map(r -> r.text()).toList())))
                .rule("invalid", "invalid", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("ask_user", "{}")
                        : ScriptStep.answer("failed: " + turn.lastResult().failed()))
                .build();
        return Agent.builder().model(model).modelName("scripted").tools(askUser, echo()).build();
    }

    private static WaitingInput awaitWaiting(AgentRun run) {
        await().atMost(WAIT).until(() -> run.waitingInput().isPresent());
        return run.waitingInput().orElseThrow();
    }

    @Test
    void answerBecomesObservation() throws Exception {
        AgentRun run = agent(AskUserTool.create()).start("book a table");

        WaitingInput waiting = awaitWaiting(run);
        assertThat(waiting.question()).isEqualTo("Which day?");
        assertThat(run.provideInput("Friday")).isTrue();
        RunResult result = run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(result.answer()).isEqualTo("Booked for Friday");
        List<AgentEvent> events = run.log().after(0);
        assertThat(events).extracting(AgentEvent::type)
                .containsSubsequence("action", "waiting_input", "observation", "done");
        Observation observation = events.stream().filter(Observation.class::isInstance)
                .map(Observation.class::cast).findFirst().orElseThrow();
        assertThat(observation.callId()).isEqualTo(waiting.callId());
        assertThat(observation.result()).isEqualTo("Friday");
        assertThat(run.waitingInput()).isEmpty();
    }

    @Test
    void inputWhileNotWaitingIsRejected() throws Exception {
        AgentRun run = agent(AskUserTool.create()).start("book a table");
        awaitWaiting(run);
        assertThat(run.provideInput("Friday")).isTrue();

        assertThat(run.provideInput("Saturday")).isFalse();
        run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(run.provideInput("Sunday")).isFalse();
    }

    @Test
    void cancelWhileWaitingEndsRun() throws Exception {
        AgentRun run = agent(AskUserTool.create()).start("book a table");
        awaitWaiting(run);

        assertThat(run.cancel("user left")).isTrue();
        RunResult result = run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.log().after(0).getLast()).isInstanceOf(RunCancelled.class);
        assertThat(run.waitingInput()).isEmpty();
        assertThat(run.provideInput("too late")).isFalse();
    }

    @Test
    void timeoutFailsCallAndRunGoesOn() throws Exception {
        AgentRun run = agent(AskUserTool.withTimeout(Duration.ofMillis(50))).start("book a table");

        RunResult result = run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        Observation observation = run.log().after(0).stream().filter(Observation.class::isInstance)
                .map(Observation.class::cast).findFirst().orElseThrow();
        assertThat(observation.error()).contains("did not answer");
        assertThat(result.answer()).startsWith("Booked for Error: The user did not answer");
    }

    @Test
    void mixedTurnKeepsCallOrder() throws Exception {
        AgentRun run = agent(AskUserTool.create()).start("mixed");
        awaitWaiting(run);
        run.provideInput("yes");

        RunResult result = run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(result.answer()).isEqualTo("first,yes,third");
        List<String> observed = run.log().after(0).stream().filter(Observation.class::isInstance)
                .map(event -> ((Observation) event).tool()).toList();
        assertThat(observed).containsExactly("echo", "ask_user", "echo");
    }

    @Test
    void invalidArgumentsFailCall() throws Exception {
        AgentRun run = agent(AskUserTool.create()).start("invalid");

        RunResult result = run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(result.answer()).isEqualTo("failed: true");
        assertThat(run.log().after(0)).noneMatch(WaitingInput.class::isInstance);
    }

    @Test
    void waitingInputJsonRoundTrips() {
        WaitingInput event = new WaitingInput("run_1", 4, Instant.parse("2026-12-04T10:00:00Z"), "call_1", "Which day?");

        String json = EventCodec.toJson(event);

        assertThat(json).isEqualTo("{\"type\":\"waiting_input\",\"runId\":\"run_1\",\"sequence\":4,"
                + "\"timestamp\":\"2026-12-04T10:00:00Z\",\"callId\":\"call_1\",\"question\":\"Which day?\"}");
        assertThat(EventCodec.fromJson(json)).isEqualTo(event);
    }

    @Test
    void executeOutsideRunFails() {
        Action unused = null;
        assertThat(unused).isNull();
        assertThat(AskUserTool.create().name()).isEqualTo("ask_user");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AskUserTool.create().execute(null, null))
                .hasMessageContaining("only run inside an agent run");
    }

    @Test
    void completedRunHasNoWait() throws Exception {
        AgentRun run = agent(AskUserTool.create()).start("nothing to ask");
        run.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(run.log().after(0).getLast()).isInstanceOf(RunCompleted.class);
        assertThat(run.waitingInput()).isEmpty();
    }
}
