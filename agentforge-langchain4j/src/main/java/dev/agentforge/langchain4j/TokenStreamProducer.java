package dev.agentforge.langchain4j;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.RunDriver;
import dev.agentforge.agent.RunProducer;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.event.Usage;
import dev.agentforge.model.ModelErrors;
import dev.agentforge.model.ModelException;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a LangChain4j AI Service method that returns a {@link TokenStream} as an AgentForge run, so
 * the service's answer, reasoning and tool calls reach every transport of AgentForge: SSE, WebSocket
 * and AG-UI.
 *
 * <pre>{@code
 * interface Assistant {
 *     TokenStream chat(String message);
 * }
 * Assistant assistant = AiServices.builder(Assistant.class)
 *         .streamingChatModel(model)
 *         .tools(new Calculator())
 *         .build();
 * Agent agent = TokenStreamProducer.agent(request -> assistant.chat(request.input()), "openai:gpt-4o-mini");
 * AgentServer.create(agent).port(8080).start();
 * }</pre>
 *
 * <p>The callbacks of the stream map to events as follows, each appended to the run's event log in
 * the order LangChain4j calls it:
 * <ul>
 *   <li>{@code onPartialResponse}: {@code token};</li>
 *   <li>{@code onPartialThinking}: {@code thought};</li>
 *   <li>{@code beforeToolExecution}: {@code action} with the call's id, tool name and arguments;</li>
 *   <li>{@code onToolExecuted}: {@code observation}, with {@code error} in place of {@code result} when
 *       the execution failed;</li>
 *   <li>{@code onCompleteResponse}: {@code done} with the response's text and token usage, which
 *       LangChain4j sums over the model calls of the invocation;</li>
 *   <li>{@code onError}: a fatal {@code error}, its code from {@link ModelErrors#classify}, with the
 *       answer text streamed since the last tool call as {@code partialText}.</li>
 * </ul>
 * A final response without a finish reason fails the run with {@code incomplete_response}, as in
 * AgentForge's own loop. Cancelling the run cancels the model's stream through its
 * {@link StreamingHandle} once the first partial response has brought one.
 */
public final class TokenStreamProducer implements RunProducer {

    private static final Logger LOG = LoggerFactory.getLogger(TokenStreamProducer.class);

    private final Function<RunRequest, TokenStream> streams;

    /**
     * Creates a producer that calls {@code streams} once per run.
     *
     * @param streams returns a new, unstarted {@link TokenStream} with no handlers set, such as
     *     {@code request -> assistant.chat(request.input())}; this producer sets every handler
     */
    public TokenStreamProducer(Function<RunRequest, TokenStream> streams) {
        this.streams = Objects.requireNonNull(streams, "streams");
    }

    /** Builds an agent whose runs come from the streams, with the model label sent in {@code run_started}. */
    public static Agent agent(Function<RunRequest, TokenStream> streams, String modelName) {
        return Agent.builder().producer(new TokenStreamProducer(streams)).modelName(modelName).build();
    }

    @Override
    public void produce(RunDriver driver) throws InterruptedException {
        TokenStream stream = Objects.requireNonNull(streams.apply(driver.request()),
                "The stream function returned null for run " + driver.runId());
        Session session = new Session(driver);
        stream.onPartialResponseWithContext(session::onPartialResponse)
                .onPartialThinking(session::onPartialThinking)
                .beforeToolExecution(session::beforeToolExecution)
                .onToolExecuted(session::onToolExecuted)
                .onCompleteResponse(session.done::complete)
                .onError(session.done::completeExceptionally)
                .start();
        ChatResponse response;
        try {
            response = session.done.get();
        } catch (InterruptedException e) {
            session.cancelStream();
            throw e;
        } catch (ExecutionException e) {
            throw ModelErrors.classify(e.getCause(), session.partialText());
        }
        driver.addUsage(usageOf(response.tokenUsage()));
        if (response.finishReason() == null) {
            throw ModelException.incompleteResponse("the model's response ended without a finish reason",
                    session.partialText());
        }
        String answer = response.aiMessage() == null ? null : response.aiMessage().text();
        driver.complete(answer);
    }

    /** The state of one run's stream, written by LangChain4j's callback threads. */
    private static final class Session {
        private final RunDriver driver;
        private final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        private final AtomicReference<StreamingHandle> handle = new AtomicReference<>();
        // The answer text since the last tool call, which an error event keeps as its partial text.
        private final StringBuilder partial = new StringBuilder();
        // Ids given to calls that came without one, by request, so the observation gets the action's id.
        private final Map<ToolExecutionRequest, Deque<String>> assignedIds = new HashMap<>();
        private int callsWithoutId;

        Session(RunDriver driver) {
            this.driver = driver;
        }

        void onPartialResponse(PartialResponse response, PartialResponseContext context) {
            handle.compareAndSet(null, context.streamingHandle());
            if (driver.finished()) {
                cancel(context.streamingHandle());
                return;
            }
            synchronized (partial) {
                partial.append(response.text());
            }
            driver.token(response.text());
        }

        void onPartialThinking(PartialThinking thinking) {
            driver.thought(thinking.text());
        }

        void beforeToolExecution(BeforeToolExecution before) {
            synchronized (partial) {
                partial.setLength(0);
            }
            ToolExecutionRequest request = before.request();
            driver.action(callIdOf(request, true), request.name(), request.arguments());
        }

        void onToolExecuted(ToolExecution execution) {
            ToolExecutionRequest request = execution.request();
            String callId = callIdOf(request, false);
            String result = execution.hasFailed() ? null : execution.result();
            String error = execution.hasFailed() ? execution.result() : null;
            long millis = execution.duration() == null ? 0 : execution.duration().toMillis();
            driver.observation(callId, request.name(), result, error, millis);
        }

        // Returns the request's own id, or for a request without one an id of the form call_N: a new id
        // before the execution, and the id given before it afterwards.
        private synchronized String callIdOf(ToolExecutionRequest request, boolean before) {
            if (request.id() != null && !request.id().isBlank()) {
                return request.id();
            }
            if (!before) {
                Deque<String> ids = assignedIds.get(request);
                if (ids != null && !ids.isEmpty()) {
                    return ids.removeFirst();
                }
            }
            String id = "call_" + (++callsWithoutId);
            if (before) {
                assignedIds.computeIfAbsent(request, key -> new ArrayDeque<>()).addLast(id);
            }
            return id;
        }

        String partialText() {
            synchronized (partial) {
                return partial.toString();
            }
        }

        void cancelStream() {
            StreamingHandle streaming = handle.get();
            if (streaming != null) {
                cancel(streaming);
            }
            done.cancel(true);
        }

        // For a model that calls onPartialResponse(String), LangChain4j 1.19.0 passes a handle whose
        // cancel() throws UnsupportedFeatureException. That stream runs on, and the driver drops its
        // events because the run has ended.
        private static void cancel(StreamingHandle streaming) {
            try {
                streaming.cancel();
            } catch (UnsupportedFeatureException e) {
                LOG.debug("The model's stream cannot be cancelled: {}", e.getMessage());
            }
        }
    }

    private static Usage usageOf(TokenUsage usage) {
        if (usage == null) {
            return Usage.ZERO;
        }
        long input = usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        long output = usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        long total = usage.totalTokenCount() == null ? input + output : usage.totalTokenCount();
        return new Usage(input, output, total);
    }
}
