package dev.agentforge.benchmarks;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.RunStatus;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptTurn;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolCall;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolExecutor;
import dev.agentforge.tool.ToolOutcome;
import dev.agentforge.tool.ToolRegistry;
import dev.agentforge.tool.ToolSettings;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cost of dispatching a no-op tool call, which returns {@code "ok"} and does no other work, through
 * AgentForge's {@link ToolExecutor}, a plain virtual-thread executor and a LangChain4j 1.19.0 AI Service.
 *
 * <ul>
 * <li>{@code plainToolCall}: the tool's {@code execute} called directly, the baseline.
 * <li>{@code toolExecutorCall}: {@code ToolExecutor.execute} of one call with no timeout, which runs the
 *     handler on the benchmark thread.
 * <li>{@code toolExecutorCallWithTimeout}: the same with a 10 s timeout in the tool's settings, which
 *     hands the handler to a new virtual thread and schedules the timeout.
 * <li>{@code toolExecutorThreeCalls}: {@code ToolExecutor.executeAll} of three calls, each on its own
 *     virtual thread.
 * <li>{@code virtualThreadSubmitAndWait} and {@code virtualThreadThreeSubmitsAndWait}: the no-op
 *     submitted to {@code Executors.newVirtualThreadPerTaskExecutor()} once or three times, then waited for.
 * <li>{@code agentForgeRunThreeCalls}: {@code Agent.start(input).result().get()} of a run in which the
 *     scripted model calls the tool three times in one turn and then gives its final answer.
 * <li>{@code langChain4jConcurrentThreeCalls}: one AI Service call with the same scripted model, the tool
 *     as a {@code @Tool} method and {@code executeToolsConcurrently()}, whose default executor on Java 21
 *     and newer starts a virtual thread per tool call.
 * <li>{@code langChain4jSequentialThreeCalls}: the same AI Service without
 *     {@code executeToolsConcurrently()}, which runs the three calls one after another on the caller's thread.
 * </ul>
 *
 * <p>Every result is checked, so a failed call or run throws instead of reporting a fast score.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ToolDispatchBenchmark {

    static final String INPUT = "Call the no-op tool three times";
    static final String ANSWER = "done: ok ok ok";
    private static final String TOOL_NAME = "noop";
    private static final String TIMED_TOOL_NAME = "noop_timed";
    private static final String RUN_ID = "run_benchmark";
    private static final String PRINCIPAL = "anonymous";

    /** The interface of the LangChain4j AI Service. */
    public interface Assistant {
        String chat(String message);
    }

    /** The no-op tool in LangChain4j's annotated form. */
    public static final class NoopTools {
        @dev.langchain4j.agent.tool.Tool("Does nothing and returns ok.")
        public String noop() {
            return "ok";
        }
    }

    private final ToolCall call = new ToolCall("call_1", TOOL_NAME, "{}");
    private final ToolCall timedCall = new ToolCall("call_1", TIMED_TOOL_NAME, "{}");
    private final List<ToolCall> threeCalls = List.of(
            new ToolCall("call_1", TOOL_NAME, "{}"),
            new ToolCall("call_2", TOOL_NAME, "{}"),
            new ToolCall("call_3", TOOL_NAME, "{}"));
    // A field, not a constant, so that the JIT cannot fold the no-op into its callers.
    private String result = "ok";
    private final Callable<String> noopTask = () -> result;

    private Tool noop;
    private JsonNode arguments;
    private ToolContext context;
    private ToolExecutor toolExecutor;
    private ExecutorService virtualThreads;
    private Agent agent;
    private Assistant concurrentAiService;
    private Assistant sequentialAiService;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        noop = Tool.builder(TOOL_NAME)
                .description("Does nothing and returns ok.")
                .handler((args, ctx) -> result)
                .build();
        Tool timedNoop = Tool.builder(TIMED_TOOL_NAME)
                .description("Does nothing and returns ok, with a timeout.")
                .handler((args, ctx) -> result)
                .build();
        toolExecutor = ToolExecutor.builder(ToolRegistry.of(noop, timedNoop))
                .settings(TIMED_TOOL_NAME, ToolSettings.builder().timeout(Duration.ofSeconds(10)).build())
                .build();
        arguments = JsonMapper.builder().build().createObjectNode();
        context = new ToolContext(RUN_ID, "call_1", PRINCIPAL);
        virtualThreads = Executors.newVirtualThreadPerTaskExecutor();

        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("three", "no-op tool three times", ToolDispatchBenchmark::threeCallsThenAnswer)
                .build();
        ChatModel blockingModel = model.asChatModel();
        agent = Agent.builder().model(blockingModel).tools(noop).build();
        concurrentAiService = AiServices.builder(Assistant.class)
                .chatModel(blockingModel)
                .tools(new NoopTools())
                .executeToolsConcurrently()
                .build();
        sequentialAiService = AiServices.builder(Assistant.class)
                .chatModel(blockingModel)
                .tools(new NoopTools())
                .build();

        checkResult(plainToolCall());
        checkResult(toolExecutorCall());
        checkResult(toolExecutorCallWithTimeout());
        checkResult(virtualThreadSubmitAndWait());
        toolExecutorThreeCalls(null);
        virtualThreadThreeSubmitsAndWait(null);
        checkAnswer(agentForgeRunThreeCalls());
        checkAnswer(langChain4jConcurrentThreeCalls());
        checkAnswer(langChain4jSequentialThreeCalls());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        toolExecutor.close();
        virtualThreads.close();
    }

    // Calls the tool three times in the first step, then returns a final answer made of the three results.
    private static ScriptStep threeCallsThenAnswer(ScriptTurn turn) {
        if (turn.step() == 0) {
            ScriptStep.Call noopCall = new ScriptStep.Call(TOOL_NAME, "{}");
            return ScriptStep.callTools(noopCall, noopCall, noopCall);
        }
        String results = turn.results().stream().map(ScriptTurn.Result::text).collect(Collectors.joining(" "));
        return ScriptStep.answer("done: " + results);
    }

    @Benchmark
    public Object plainToolCall() throws Exception {
        return noop.execute(arguments, context);
    }

    @Benchmark
    public String toolExecutorCall() {
        return resultOf(toolExecutor.execute(call, RUN_ID, PRINCIPAL));
    }

    @Benchmark
    public String toolExecutorCallWithTimeout() {
        return resultOf(toolExecutor.execute(timedCall, RUN_ID, PRINCIPAL));
    }

    @Benchmark
    public void toolExecutorThreeCalls(Blackhole blackhole) throws Exception {
        List<ToolOutcome> outcomes = toolExecutor.executeAll(threeCalls, RUN_ID, PRINCIPAL, outcome -> { });
        if (outcomes.size() != threeCalls.size()) {
            throw new IllegalStateException("Expected 3 outcomes but got " + outcomes);
        }
        for (ToolOutcome outcome : outcomes) {
            consume(blackhole, resultOf(outcome));
        }
    }

    @Benchmark
    public String virtualThreadSubmitAndWait() throws Exception {
        return virtualThreads.submit(noopTask).get();
    }

    @Benchmark
    public void virtualThreadThreeSubmitsAndWait(Blackhole blackhole) throws Exception {
        Future<String> first = virtualThreads.submit(noopTask);
        Future<String> second = virtualThreads.submit(noopTask);
        Future<String> third = virtualThreads.submit(noopTask);
        consume(blackhole, checkResult(first.get()));
        consume(blackhole, checkResult(second.get()));
        consume(blackhole, checkResult(third.get()));
    }

    @Benchmark
    public String agentForgeRunThreeCalls() throws Exception {
        RunResult run = agent.start(INPUT).result().get();
        if (run.status() != RunStatus.COMPLETED) {
            throw new IllegalStateException("The benchmark run ended " + run.status() + ": " + run);
        }
        return run.answer();
    }

    @Benchmark
    public String langChain4jConcurrentThreeCalls() {
        return concurrentAiService.chat(INPUT);
    }

    @Benchmark
    public String langChain4jSequentialThreeCalls() {
        return sequentialAiService.chat(INPUT);
    }

    private static String resultOf(ToolOutcome outcome) {
        if (outcome.status() != ToolOutcome.Status.SUCCEEDED) {
            throw new IllegalStateException("The no-op call ended " + outcome.status() + ": " + outcome.error());
        }
        return outcome.result();
    }

    // Setup calls the benchmark methods without a Blackhole, only to check their results.
    private static void consume(Blackhole blackhole, Object value) {
        if (blackhole != null) {
            blackhole.consume(value);
        }
    }

    private static Object checkResult(Object value) {
        if (!"ok".equals(value)) {
            throw new IllegalStateException("Expected the tool result 'ok' but got '" + value + "'");
        }
        return value;
    }

    private static void checkAnswer(String answer) {
        if (!ANSWER.equals(answer)) {
            throw new IllegalStateException("Expected the answer '" + ANSWER + "' but got '" + answer + "'");
        }
    }
}
