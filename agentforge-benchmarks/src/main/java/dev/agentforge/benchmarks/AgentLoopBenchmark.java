package dev.agentforge.benchmarks;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.RunStatus;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.service.AiServices;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of one whole agent run in which an offline model calls one no-op tool and then gives its
 * final answer: two model turns and one tool call.
 *
 * <ul>
 * <li>{@code agentForgeStreamingModel}: {@code Agent.start(input).result().get()} with the
 *     {@link ScriptedChatModel} as a streaming model, so each word of the answer is a token event.
 * <li>{@code agentForgeBlockingModel}: the same run with the model's blocking view.
 * <li>{@code langChain4jAiService}: a LangChain4j AI Service with the same blocking model and the
 *     tool as a {@code @Tool} method, called on the benchmark thread.
 * <li>{@code scriptedModelOnly}: the two model calls of a run without any loop, the share of the
 *     runs above that the scripted model itself costs.
 * <li>{@code plainLoop}: a Java loop doing the same work with functions in place of the model and the
 *     tool, and building the same answer string.
 * <li>{@code virtualThreadHandOff}: a virtual thread that completes a future the benchmark thread
 *     waits for, the hand-off that every {@code Agent.start(...).result().get()} includes.
 * </ul>
 *
 * <p>Every run must end with the answer {@value #ANSWER}, and a run that fails throws, so a broken
 * setup cannot report a fast score.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class AgentLoopBenchmark {

    static final String INPUT = "Call the no-op tool once";
    static final String ANSWER = "done: ok";
    private static final String TOOL_NAME = "noop";

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

    private Agent streamingAgent;
    private Agent blockingAgent;
    private Assistant aiService;
    private ChatModel blockingModel;
    private ChatRequest firstTurn;
    private ChatRequest secondTurn;

    // Fields, not constants, so that the JIT cannot fold the plain loop away.
    private final Function<String, String> plainModel = observation -> observation == null ? TOOL_NAME : null;
    private final UnaryOperator<String> plainTool = name -> "ok";

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("noop", "no-op tool", turn -> turn.step() == 0
                        ? ScriptStep.callTool(TOOL_NAME, "{}")
                        : ScriptStep.answer("done: " + turn.lastResult().text()))
                .build();
        blockingModel = model.asChatModel();
        Tool noop = Tool.builder(TOOL_NAME)
                .description("Does nothing and returns ok.")
                .handler((arguments, context) -> "ok")
                .build();
        streamingAgent = Agent.builder().model(model).tools(noop).build();
        blockingAgent = Agent.builder().model(blockingModel).tools(noop).build();
        aiService = AiServices.builder(Assistant.class)
                .chatModel(blockingModel)
                .tools(new NoopTools())
                .build();

        ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_1").name(TOOL_NAME).arguments("{}").build();
        firstTurn = ChatRequest.builder().messages(List.of(UserMessage.from(INPUT))).build();
        secondTurn = ChatRequest.builder()
                .messages(List.of(UserMessage.from(INPUT), AiMessage.from(List.of(call)),
                        ToolExecutionResultMessage.from(call, "ok")))
                .build();
        checkAnswer(agentForgeStreamingModel());
        checkAnswer(agentForgeBlockingModel());
        checkAnswer(plainLoop());
        checkAnswer(langChain4jAiService());
        checkAnswer(blockingModel.chat(secondTurn).aiMessage().text());
    }

    @Benchmark
    public String agentForgeStreamingModel() throws Exception {
        return answerOf(streamingAgent.start(INPUT).result().get());
    }

    @Benchmark
    public String agentForgeBlockingModel() throws Exception {
        return answerOf(blockingAgent.start(INPUT).result().get());
    }

    @Benchmark
    public String langChain4jAiService() {
        return aiService.chat(INPUT);
    }

    @Benchmark
    public void scriptedModelOnly(Blackhole blackhole) {
        blackhole.consume(blockingModel.chat(firstTurn));
        blackhole.consume(blockingModel.chat(secondTurn));
    }

    @Benchmark
    public String plainLoop() {
        String observation = null;
        for (int step = 0; step < 2; step++) {
            String toolName = plainModel.apply(observation);
            if (toolName == null) {
                return "done: " + observation;
            }
            observation = plainTool.apply(toolName);
        }
        throw new IllegalStateException("The plain loop ran out of steps");
    }

    @Benchmark
    public String virtualThreadHandOff() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> answer.complete(ANSWER));
        return answer.get();
    }

    private static String answerOf(RunResult result) {
        if (result.status() != RunStatus.COMPLETED) {
            throw new IllegalStateException("The benchmark run ended " + result.status() + ": " + result);
        }
        return result.answer();
    }

    private static void checkAnswer(String answer) {
        if (!ANSWER.equals(answer)) {
            throw new IllegalStateException("Expected the answer '" + ANSWER + "' but got '" + answer + "'");
        }
    }
}
