package dev.agentforge.langgraph4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bsc.langgraph4j.GraphDefinition.END;
import static org.bsc.langgraph4j.GraphDefinition.START;
import static org.bsc.langgraph4j.action.AsyncNodeAction.node_async;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.RunStatus;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorCodes;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Progress;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import dev.agentforge.event.Token;
import dev.langchain4j.exception.RateLimitException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bsc.async.AsyncGenerator;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.action.NodeAction;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.streaming.StreamingOutput;
import org.junit.jupiter.api.Test;

class GraphStreamProducerTest {

    static final class QaState extends AgentState {
        QaState(Map<String, Object> data) {
            super(data);
        }

        String answer() {
            return this.<String>value("answer").orElse("");
        }
    }

    /**
     * Streams the chunks as {@link StreamingOutput}s of the node, then either ends with the partial state
     * {@code {"answer": <chunks joined>}} or, when {@code failure} is set, fails with it.
     */
    private static AsyncGenerator<StreamingOutput<QaState>> streamed(String node, QaState state, List<String> chunks,
            RuntimeException failure) {
        Iterator<String> remaining = chunks.iterator();
        return new AsyncGenerator.Base<>() {
            @Override
            public Data<StreamingOutput<QaState>> next() {
                if (remaining.hasNext()) {
                    return Data.of(new StreamingOutput<>(remaining.next(), node, state, null));
                }
                if (failure != null) {
                    return Data.error(failure);
                }
                return Data.done(Map.of("answer", String.join("", chunks)));
            }
        };
    }

    /** A graph of two nodes: {@code plan} writes a plan, then {@code answer} streams the answer. */
    private static CompiledGraph<QaState> twoNodeGraph(NodeAction<QaState> answerNode) throws Exception {
        return new StateGraph<QaState>(QaState::new)
                .addNode("plan", node_async(state -> Map.of("plan", "greet " + state.value("question").orElse(""))))
                .addNode("answer", node_async(answerNode))
                .addEdge(START, "plan")
                .addEdge("plan", "answer")
                .addEdge("answer", END)
                .compile();
    }

    private static AgentRun start(CompiledGraph<QaState> graph, String input) {
        return GraphStreamProducer.agent(graph, request -> Map.of("question", request.input()), QaState::answer,
                "langgraph4j:qa").start(input);
    }

    private static List<AgentEvent> eventsOf(AgentRun run) throws Exception {
        run.result().get(10, TimeUnit.SECONDS);
        return run.events().collectList().block(Duration.ofSeconds(5));
    }

    @Test
    void twoNodeGraphMapsToEvents() throws Exception {
        CompiledGraph<QaState> graph = twoNodeGraph(
                state -> Map.of("stream", streamed("answer", state, List.of("Hel", "lo ", "Ada"), null)));

        AgentRun run = start(graph, "Ada");
        List<AgentEvent> events = eventsOf(run);

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(events).extracting(AgentEvent::type).containsExactly(
                "run_started", "progress", "token", "token", "token", "progress", "done");
        assertThat(((RunStarted) events.getFirst()).model()).isEqualTo("langgraph4j:qa");

        Progress planned = (Progress) events.get(1);
        assertThat(planned.current()).isEqualTo(1);
        assertThat(planned.total()).isNull();
        assertThat(planned.message()).isEqualTo("node plan finished");
        Progress answered = (Progress) events.get(5);
        assertThat(answered.current()).isEqualTo(2);
        assertThat(answered.message()).isEqualTo("node answer finished");

        assertThat(events.subList(2, 5)).extracting(event -> ((Token) event).text())
                .containsExactly("Hel", "lo ", "Ada");
        assertThat(((RunCompleted) events.getLast()).answer()).isEqualTo("Hello Ada");
    }

    @Test
    void modelFailureMidStreamKeepsPartialText() throws Exception {
        CompiledGraph<QaState> graph = twoNodeGraph(state -> Map.of("stream",
                streamed("answer", state, List.of("Hel", "lo"), new RateLimitException("429 Too Many Requests"))));

        AgentRun run = start(graph, "Ada");
        List<AgentEvent> events = eventsOf(run);

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(events).extracting(AgentEvent::type)
                .containsExactly("run_started", "progress", "token", "token", "error");
        ErrorEvent error = (ErrorEvent) events.getLast();
        assertThat(error.code()).isEqualTo(ErrorCodes.MODEL_RATE_LIMITED);
        assertThat(error.retryable()).isTrue();
        assertThat(error.fatal()).isTrue();
        assertThat(error.partialText()).isEqualTo("Hello");
    }

    @Test
    void nodeExceptionIsInternalError() throws Exception {
        CompiledGraph<QaState> graph = twoNodeGraph(state -> {
            throw new IllegalArgumentException("no answer for " + state.value("question").orElse(""));
        });

        AgentRun run = start(graph, "Ada");
        List<AgentEvent> events = eventsOf(run);

        assertThat(events).extracting(AgentEvent::type).containsExactly("run_started", "progress", "error");
        ErrorEvent error = (ErrorEvent) events.getLast();
        assertThat(error.code()).isEqualTo(ErrorCodes.INTERNAL_ERROR);
        assertThat(error.retryable()).isFalse();
        assertThat(error.message()).contains("IllegalArgumentException").contains("no answer for Ada");
        assertThat(error.partialText()).isNull();
    }

    @Test
    void cancelStopsRunningGraph() throws Exception {
        CountDownLatch answering = new CountDownLatch(1);
        CompiledGraph<QaState> graph = twoNodeGraph(state -> {
            answering.countDown();
            Thread.sleep(30_000);
            return Map.of("answer", "too late");
        });

        AgentRun run = start(graph, "Ada");
        assertThat(answering.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(run.cancel("user left")).isTrue();
        RunResult result = run.result().get(10, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.events().collectList().block(Duration.ofSeconds(5)))
                .extracting(AgentEvent::type)
                .containsExactly("run_started", "progress", "cancelled");
    }
}
