package dev.agentforge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.event.Action;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorCodes;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.event.RunCancelled;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import dev.agentforge.event.Thought;
import dev.agentforge.event.Token;
import dev.agentforge.model.ModelException;
import dev.agentforge.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.FinishReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class AgentTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final CountDownLatch blockingToolStarted = new CountDownLatch(1);
    private final CountDownLatch blockingToolInterrupted = new CountDownLatch(1);

    private Tool adder() {
        return Tool.builder("add")
                .description("Adds two integers")
                .parameters("""
                        {"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"]}""")
                .handler((arguments, context) -> String.valueOf(arguments.get("a").asInt() + arguments.get("b").asInt()))
                .build();
    }

    private Tool blocking() {
        return Tool.builder("wait_forever")
                .description("Blocks until interrupted")
                .handler((arguments, context) -> {
                    blockingToolStarted.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        blockingToolInterrupted.countDown();
                        throw e;
                    }
                    return "unreachable";
                })
                .build();
    }

    private static ScriptedChatModel model() {
        return ScriptedChatModel.builder()
                .rule("add", "add (\\d+) and (\\d+)", turn -> {
                    if (turn.results().isEmpty()) {
                        return ScriptStep.callTool("add", "{\"a\":" + turn.group(1) + ",\"b\":" + turn.group(2) + "}")
                                .withThought("I will use the add tool.");
                    }
                    return ScriptStep.answer("The sum is " + turn.lastResult().text() + ".");
                })
                .rule("both", "add twice", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTools(new ScriptStep.Call("add", "{\"a\":1,\"b\":2}"),
                                new ScriptStep.Call("add", "{\"a\":\"x\"}"))
                        : ScriptStep.answer(turn.results().get(0).text() + " and " + turn.results().get(1).failed()))
                .rule("loop", "forever", turn -> ScriptStep.callTool("add", "{\"a\":1,\"b\":1}"))
                .rule("block", "block", turn -> ScriptStep.callTool("wait_forever", "{}"))
                .rule("unknown", "unknown tool", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("subtract", "{}")
                        : ScriptStep.answer(turn.lastResult().text()))
                .build();
    }

    private Agent agent() {
        return Agent.builder().model(model()).tools(adder(), blocking()).modelName("scripted").maxSteps(4).build();
    }

    private static List<AgentEvent> eventsOf(AgentRun run) {
        return run.events().collectList().block(WAIT);
    }

    @Test
    void toolCallThenAnswer() throws Exception {
        AgentRun run = agent().start("Please add 2 and 40");

        RunResult result = run.result().get(20, TimeUnit.SECONDS);
        List<AgentEvent> events = eventsOf(run);

        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("The sum is 42.");
        assertThat(events.getFirst()).isInstanceOf(RunStarted.class);
        assertThat(events).filteredOn(Thought.class::isInstance).hasSize(1);
        Action action = (Action) events.stream().filter(Action.class::isInstance).findFirst().orElseThrow();
        assertThat(action.tool()).isEqualTo("add");
        assertThat(action.arguments()).isEqualTo("{\"a\":2,\"b\":40}");
        Observation observation = (Observation) events.stream().filter(Observation.class::isInstance).findFirst().orElseThrow();
        assertThat(observation.callId()).isEqualTo(action.callId());
        assertThat(observation.result()).isEqualTo("42");
        String streamed = events.stream().filter(Token.class::isInstance).map(e -> ((Token) e).text())
                .reduce("", String::concat);
        assertThat(streamed).isEqualTo("The sum is 42.");
        assertThat(events.getLast()).isInstanceOf(RunCompleted.class);
        assertThat(((RunCompleted) events.getLast()).usage().totalTokens()).isPositive();
    }

    @Test
    void sequenceNumbersStartAtOneAndRiseByOne() throws Exception {
        AgentRun run = agent().start("add 1 and 2");
        run.result().get(20, TimeUnit.SECONDS);

        List<Long> sequences = eventsOf(run).stream().map(AgentEvent::sequence).toList();

        assertThat(sequences).isEqualTo(LongStream.rangeClosed(1, sequences.size()).boxed().toList());
        assertThat(eventsOf(run)).allMatch(event -> event.runId().equals(run.id()));
    }

    @Test
    void orderOfEventsInATurn() throws Exception {
        AgentRun run = agent().start("add 1 and 2");
        run.result().get(20, TimeUnit.SECONDS);

        List<String> types = eventsOf(run).stream().map(AgentEvent::type).distinct().toList();

        assertThat(types).containsExactly("run_started", "thought", "action", "observation", "token", "done");
    }

    @Test
    void invalidArgumentsBecomeAnObservationAndTheLoopGoesOn() throws Exception {
        AgentRun run = agent().start("add twice");

        RunResult result = run.result().get(20, TimeUnit.SECONDS);
        List<Observation> observations = eventsOf(run).stream()
                .filter(Observation.class::isInstance).map(Observation.class::cast).toList();

        assertThat(result.answer()).isEqualTo("3 and true");
        assertThat(observations).hasSize(2);
        assertThat(observations.get(0).result()).isEqualTo("3");
        assertThat(observations.get(1).error()).contains("Invalid arguments for tool 'add'").contains("b");
    }

    @Test
    void unknownToolIsReportedToTheModel() throws Exception {
        AgentRun run = agent().start("call an unknown tool");

        RunResult result = run.result().get(20, TimeUnit.SECONDS);

        assertThat(result.answer()).contains("Unknown tool 'subtract'").contains("add, wait_forever");
    }

    @Test
    void stepLimitEndsTheRunWithAnError() throws Exception {
        AgentRun run = agent().start("loop forever");

        RunResult result = run.result().get(20, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.error().code()).isEqualTo(ErrorCodes.STEP_LIMIT_EXCEEDED);
        assertThat(eventsOf(run).stream().filter(Action.class::isInstance)).hasSize(4);
    }

    @Test
    void cancelInterruptsTheToolAndEndsTheRun() throws Exception {
        AgentRun run = agent().start("block please");
        assertThat(blockingToolStarted.await(20, TimeUnit.SECONDS)).isTrue();

        assertThat(run.cancel("user left")).isTrue();

        RunResult result = run.result().get(20, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(result.cancelReason()).isEqualTo("user left");
        assertThat(blockingToolInterrupted.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(eventsOf(run).getLast()).isInstanceOf(RunCancelled.class);
        assertThat(run.cancel("again")).isFalse();
        assertThat(run.cancellation().reason()).isEqualTo("user left");
    }

    @Test
    void responseWithoutFinishReasonIsIncomplete() throws Exception {
        ChatModel truncated = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                return ChatResponse.builder().aiMessage(AiMessage.from("The total is 12")).build();
            }
        };
        AgentRun run = Agent.builder().model(truncated).build().start("total?");

        RunResult result = run.result().get(20, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.error().code()).isEqualTo(ErrorCodes.INCOMPLETE_RESPONSE);
        assertThat(result.error().partialText()).isEqualTo("The total is 12");
        assertThat(eventsOf(run)).noneMatch(RunCompleted.class::isInstance);
    }

    @Test
    void blockingModelAnswerIsOneToken() throws Exception {
        ChatModel plain = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                return ChatResponse.builder().aiMessage(AiMessage.from("Hello")).finishReason(FinishReason.STOP).build();
            }
        };
        AgentRun run = Agent.builder().model(plain).build().start("hi");
        run.result().get(20, TimeUnit.SECONDS);

        List<String> types = eventsOf(run).stream().map(AgentEvent::type).toList();

        assertThat(types).containsExactly("run_started", "token", "done");
    }

    @Test
    void streamingErrorKeepsPartialText() throws Exception {
        StreamingChatModel failing = new StreamingChatModel() {
            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                handler.onPartialResponse("Hello");
                handler.onPartialResponse(", wor");
                handler.onError(new ModelException(ErrorCodes.MODEL_ERROR, "server_error", true, null));
            }
        };
        AgentRun run = Agent.builder().model(failing).build().start("hi");

        RunResult result = run.result().get(20, TimeUnit.SECONDS);
        ErrorEvent error = (ErrorEvent) eventsOf(run).getLast();

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(error.code()).isEqualTo(ErrorCodes.MODEL_ERROR);
        assertThat(error.retryable()).isTrue();
        assertThat(error.partialText()).isEqualTo("Hello, wor");
        assertThat(error.fatal()).isTrue();
    }

    @Test
    void runStartedCarriesModelAndPrincipal() throws Exception {
        Agent agent = Agent.builder().model(model()).modelName("scripted").modelNote("offline").build();
        AgentRun run = agent.start(new RunRequest("hello", null));
        run.result().get(20, TimeUnit.SECONDS);

        RunStarted started = (RunStarted) eventsOf(run).getFirst();

        assertThat(started.model()).isEqualTo("scripted");
        assertThat(started.modelNote()).isEqualTo("offline");
        assertThat(started.principal()).isEqualTo("anonymous");
        assertThat(started.input()).isEqualTo("hello");
    }

    @Test
    void fallbackAnswersUnmatchedInput() throws Exception {
        AgentRun run = agent().start("something else");

        assertThat(run.result().get(20, TimeUnit.SECONDS).answer()).contains("offline scripted model");
    }

    @Test
    void cancelAbortsTheModelStream() throws Exception {
        CountDownLatch streaming = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean aborted = new java.util.concurrent.atomic.AtomicBoolean();
        StreamingHandle handle = new StreamingHandle() {
            @Override
            public void cancel() {
                aborted.set(true);
            }

            @Override
            public boolean isCancelled() {
                return aborted.get();
            }
        };
        StreamingChatModel endless = new StreamingChatModel() {
            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                handler.onPartialResponse(new PartialResponse("Counting"), new PartialResponseContext(handle));
                streaming.countDown();
            }
        };
        AgentRun run = Agent.builder().model(endless).build().start("count forever");
        assertThat(streaming.await(20, TimeUnit.SECONDS)).isTrue();

        run.cancel("enough");

        assertThat(run.result().get(20, TimeUnit.SECONDS).status()).isEqualTo(RunStatus.CANCELLED);
        org.awaitility.Awaitility.await().atMost(WAIT).untilTrue(aborted);
        assertThat(eventsOf(run)).extracting(AgentEvent::type).containsExactly("run_started", "token", "cancelled");
    }

    @Test
    void builderNeedsAModel() {
        assertThatThrownBy(() -> Agent.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No model set");
    }

    @Test
    void registryEvictsFinishedRunsAfterRetention() throws Exception {
        MutableClock clock = new MutableClock();
        RunRegistry registry = new RunRegistry(Duration.ofMinutes(1), 10, clock);
        Agent agent = Agent.builder().model(model()).clock(clock).build();
        AgentRun run = registry.start(agent, RunRequest.of("add 1 and 1"));
        run.result().get(20, TimeUnit.SECONDS);

        clock.advance(Duration.ofSeconds(30));
        assertThat(registry.evictExpired()).isZero();
        clock.advance(Duration.ofSeconds(31));
        assertThat(registry.evictExpired()).isEqualTo(1);
        assertThat(registry.find(run.id())).isEmpty();
    }

    @Test
    void registryLimitsActiveRuns() throws Exception {
        RunRegistry registry = new RunRegistry(Duration.ofMinutes(1), 1, java.time.Clock.systemUTC());
        AgentRun blocked = registry.start(agent(), RunRequest.of("block"));
        assertThat(blockingToolStarted.await(20, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> registry.start(agent(), RunRequest.of("add 1 and 1")))
                .isInstanceOf(RunRegistry.TooManyRunsException.class)
                .hasMessageContaining("limit of 1");
        blocked.cancel("test over");
        blocked.result().get(20, TimeUnit.SECONDS);
        assertThat(registry.start(agent(), RunRequest.of("add 1 and 1")).result().get(20, TimeUnit.SECONDS).status())
                .isEqualTo(RunStatus.COMPLETED);
    }

    /** A clock that moves only when told to. */
    static final class MutableClock extends java.time.Clock {
        private java.time.Instant now = java.time.Instant.parse("2026-12-04T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }
}
