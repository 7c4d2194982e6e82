package dev.agentforge.langgraph4j;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.RunDriver;
import dev.agentforge.agent.RunProducer;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.event.ErrorCodes;
import dev.agentforge.model.ModelErrors;
import dev.agentforge.model.ModelException;
import dev.agentforge.progress.CancellationToken;
import dev.langchain4j.exception.LangChain4jException;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.bsc.async.AsyncGenerator;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.NodeOutput;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.streaming.StreamingOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a compiled LangGraph4j graph as an AgentForge run, so the graph's progress and streamed text
 * reach every transport of AgentForge: SSE, WebSocket and AG-UI.
 *
 * <pre>{@code
 * CompiledGraph<MyState> graph = stateGraph.compile();
 * Agent agent = GraphStreamProducer.agent(graph,
 *         request -> Map.of("question", request.input()),
 *         state -> state.<String>value("answer").orElse(""),
 *         "langgraph4j:support-graph");
 * AgentServer.create(agent).port(8080).start();
 * }</pre>
 *
 * <p>{@link CompiledGraph#stream} yields one {@link NodeOutput} after each node has finished, and the
 * chunks of a node that returns an {@link AsyncGenerator} of {@link StreamingOutput}s as they come.
 * They map to events as follows:
 * <ul>
 *   <li>the output of {@code __START__}: nothing, because {@code run_started} is already logged;</li>
 *   <li>a {@link StreamingOutput} with a non-empty {@code chunk()}: {@code token} with the chunk;</li>
 *   <li>the output of any other node: {@code progress} with {@code current} the number of nodes
 *       finished so far in the run, no {@code total}, and {@code message} {@code "node <name> finished"};</li>
 *   <li>the output of {@code __END__}: {@code done} with the answer that {@code answer} reads from the
 *       final state;</li>
 *   <li>a failure of the graph: a fatal {@code error}. Failures of model calls (LangChain4j exceptions,
 *       I/O errors, timeouts) get their code from {@link ModelErrors#classify}. Any other failure, such
 *       as an exception thrown by a node's own code, gets {@code internal_error}. The text of the
 *       tokens streamed since the last finished node is the error's {@code partialText}.</li>
 * </ul>
 * The stream reports no event when a node starts, so no event marks it. A stream that ends without
 * {@code __END__}, as an interrupted graph does, fails the run with {@code internal_error}.
 * Cancelling the run cancels the graph's stream.
 *
 * @param <S> the graph's state type
 */
public final class GraphStreamProducer<S extends AgentState> implements RunProducer {

    private static final Logger LOG = LoggerFactory.getLogger(GraphStreamProducer.class);

    private final CompiledGraph<S> graph;
    private final Function<RunRequest, Map<String, Object>> inputs;
    private final Function<S, String> answer;
    private final RunnableConfig config;

    /**
     * Creates a producer that streams the graph once per run.
     *
     * @param inputs returns the graph's input state for a run's request
     * @param answer reads the answer from the graph's final state; the {@code done} event carries it
     * @param config the config of each stream; a graph with a checkpoint saver needs a thread id per run
     */
    public GraphStreamProducer(CompiledGraph<S> graph, Function<RunRequest, Map<String, Object>> inputs,
            Function<S, String> answer, RunnableConfig config) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.inputs = Objects.requireNonNull(inputs, "inputs");
        this.answer = Objects.requireNonNull(answer, "answer");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Creates a producer that streams the graph with an empty {@link RunnableConfig}. */
    public GraphStreamProducer(CompiledGraph<S> graph, Function<RunRequest, Map<String, Object>> inputs,
            Function<S, String> answer) {
        this(graph, inputs, answer, RunnableConfig.builder().build());
    }

    /** Builds an agent whose runs stream the graph, with the model label sent in {@code run_started}. */
    public static <S extends AgentState> Agent agent(CompiledGraph<S> graph,
            Function<RunRequest, Map<String, Object>> inputs, Function<S, String> answer, String modelName) {
        return Agent.builder().producer(new GraphStreamProducer<>(graph, inputs, answer)).modelName(modelName).build();
    }

    @Override
    public void produce(RunDriver driver) throws InterruptedException {
        AsyncGenerator.Cancellable<NodeOutput<S>> stream = graph.stream(inputs.apply(driver.request()), config);
        // A cancel from another thread also cancels the graph, whose worker may not see the interrupt.
        try (CancellationToken.Registration registration = driver.cancellation().onCancel(() -> stream.cancel(true))) {
            consume(driver, stream);
        }
    }

    private void consume(RunDriver driver, AsyncGenerator.Cancellable<NodeOutput<S>> stream)
            throws InterruptedException {
        StringBuilder partial = new StringBuilder();
        long nodesFinished = 0;
        Iterator<NodeOutput<S>> outputs = stream.iterator();
        try {
            while (outputs.hasNext()) {
                NodeOutput<S> output = outputs.next();
                if (Thread.currentThread().isInterrupted() || driver.finished()) {
                    stream.cancel(true);
                    throw new InterruptedException("Run " + driver.runId() + " was cancelled");
                }
                if (output instanceof StreamingOutput<S> streaming) {
                    String chunk = streaming.chunk();
                    if (chunk != null && !chunk.isEmpty()) {
                        partial.append(chunk);
                        driver.token(chunk);
                    }
                } else if (output.isEND()) {
                    driver.complete(answer.apply(output.state()));
                    return;
                } else if (!output.isSTART()) {
                    nodesFinished++;
                    partial.setLength(0);
                    driver.progress(nodesFinished, null, "node " + output.node() + " finished");
                }
            }
        } catch (CompletionException e) {
            fail(driver, e, partial.toString());
            return;
        } catch (CancellationException e) {
            throw new InterruptedException("Run " + driver.runId() + " was cancelled");
        }
        if (!driver.finished()) {
            driver.fail(ErrorCodes.INTERNAL_ERROR, "The graph's stream ended without reaching __END__, as an"
                    + " interrupted graph does; resuming an interrupted graph is not supported", false, null);
        }
    }

    // LangGraph4j 1.8.17 wraps a node's exception in CompletionException and GraphRunnerException.
    // The outermost model failure in the chain is classified, so an HTTP error keeps its status code.
    private static void fail(RunDriver driver, CompletionException failure, String partialText) {
        Throwable cause = failure;
        Throwable innermost = failure;
        for (int depth = 0; cause != null && depth < 16; depth++) {
            if (isModelFailure(cause)) {
                ModelException classified = ModelErrors.classify(cause, partialText);
                LOG.warn("Run {} failed: a graph node's model call failed with {}: {}", driver.runId(),
                        classified.code(), classified.getMessage());
                driver.fail(classified);
                return;
            }
            innermost = cause;
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        LOG.error("Run {} failed: the graph failed", driver.runId(), failure);
        driver.fail(ErrorCodes.INTERNAL_ERROR, "The graph failed: " + innermost.getClass().getName() + ": "
                + innermost.getMessage(), false, partialText);
    }

    private static boolean isModelFailure(Throwable cause) {
        return cause instanceof ModelException
                || cause instanceof LangChain4jException
                || cause instanceof IOException
                || cause instanceof java.util.concurrent.TimeoutException;
    }
}
