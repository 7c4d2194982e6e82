package dev.agentforge.agent;

import dev.agentforge.event.Action;
import dev.agentforge.event.ErrorCodes;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import dev.agentforge.event.Thought;
import dev.agentforge.event.Token;
import dev.agentforge.event.Usage;
import dev.agentforge.model.ModelErrors;
import dev.agentforge.model.ModelException;
import dev.agentforge.model.openai.OpenAiCompatibleChatModel;
import dev.agentforge.tool.ToolCall;
import dev.agentforge.tool.ToolException;
import dev.agentforge.tool.ToolOutcome;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tool-calling loop of one run: ask the model, run the tools it calls, give it their results, and
 * repeat until it answers or the step limit is reached. A response without a finish reason is an
 * incomplete response and fails the run; it is never taken as an answer.
 */
final class AgentLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);

    private final Agent agent;
    private final AgentRun run;
    private final String runId;

    AgentLoop(Agent agent, AgentRun run) {
        this.agent = agent;
        this.run = run;
        this.runId = run.id();
    }

    @Override
    public void run() {
        run.emit((sequence, now) -> new RunStarted(runId, sequence, now, run.request().input(), agent.modelName(),
                agent.modelNote(), run.request().principal()));
        try {
            loop();
        } catch (InterruptedException | CancellationException e) {
            // cancel() has logged the cancelled event already, unless the interrupt came from elsewhere.
            run.finish(RunStatus.CANCELLED, (sequence, now) -> new dev.agentforge.event.RunCancelled(runId, sequence, now,
                    "the run's thread was interrupted"));
        } catch (ModelException e) {
            LOG.warn("Run {} failed: model call failed with {}: {}", runId, e.code(), e.getMessage());
            fail(e.code(), e.getMessage(), e.retryable(), e.partialText());
        } catch (RuntimeException e) {
            LOG.error("Run {} failed with an unexpected exception", runId, e);
            fail(ErrorCodes.INTERNAL_ERROR, e.getClass().getName() + ": " + e.getMessage(), false, null);
        }
    }

    private void loop() throws InterruptedException {
        List<ChatMessage> messages = new ArrayList<>();
        if (agent.systemPrompt() != null && !agent.systemPrompt().isBlank()) {
            messages.add(SystemMessage.from(agent.systemPrompt()));
        }
        messages.add(UserMessage.from(run.request().input()));

        for (int step = 1; step <= agent.maxSteps(); step++) {
            checkNotCancelled();
            ChatRequest request = ChatRequest.builder()
                    .messages(List.copyOf(messages))
                    .toolSpecifications(agent.tools().specifications())
                    .build();
            Instant callStart = agent.clock().instant();
            ChatResponse response;
            try {
                response = agent.streamingModel() != null ? stream(request) : call(request);
            } catch (InterruptedException | RuntimeException e) {
                notifyModelCall(step, callStart, null, e);
                throw e;
            }
            notifyModelCall(step, callStart, response, null);
            run.addUsage(usageOf(response.tokenUsage()));

            AiMessage message = response.aiMessage();
            if (response.finishReason() == null) {
                throw ModelException.incompleteResponse("the model's response ended without a finish reason",
                        message.text());
            }
            if (!message.hasToolExecutionRequests()) {
                String answer = message.text() == null ? "" : message.text();
                run.finish(RunStatus.COMPLETED, (sequence, now) -> new RunCompleted(runId, sequence, now, answer, run.usage()));
                return;
            }
            messages.add(message);
            List<ToolExecutionRequest> requests = withIds(message.toolExecutionRequests(), step);
            List<ToolCall> calls = new ArrayList<>(requests.size());
            for (ToolExecutionRequest call : requests) {
                calls.add(new ToolCall(call.id(), call.name(), call.arguments()));
                run.emit((sequence, now) -> new Action(runId, sequence, now, call.id(), call.name(), call.arguments()));
            }
            List<ToolOutcome> outcomes = execute(calls);
            for (int i = 0; i < outcomes.size(); i++) {
                messages.add(ToolExecutionResultMessage.from(requests.get(i), outcomes.get(i).textForModel()));
            }
        }
        fail(ErrorCodes.STEP_LIMIT_EXCEEDED, "The model was still calling tools after " + agent.maxSteps()
                + " steps; raise the agent's maxSteps (AGENTFORGE_MAX_STEPS for a service configured from the"
                + " environment) or give the model a narrower task", false, null);
    }

    // Runs the calls of one turn in call order: ask_user calls on this thread, and each stretch of
    // other calls together through the tool executor, so observations keep the call order.
    private List<ToolOutcome> execute(List<ToolCall> calls) throws InterruptedException {
        AskUserTool askUser = agent.tools().find(AskUserTool.NAME).orElse(null) instanceof AskUserTool tool
                ? tool : null;
        if (askUser == null) {
            return agent.toolExecutor().executeAll(calls, runId, run.request().principal(), run.cancellation(),
                    this::observe);
        }
        List<ToolOutcome> outcomes = new ArrayList<>(calls.size());
        List<ToolCall> batch = new ArrayList<>();
        for (ToolCall call : calls) {
            if (!call.name().equals(AskUserTool.NAME)) {
                batch.add(call);
                continue;
            }
            if (!batch.isEmpty()) {
                outcomes.addAll(agent.toolExecutor().executeAll(List.copyOf(batch), runId,
                        run.request().principal(), run.cancellation(), this::observe));
                batch.clear();
            }
            ToolOutcome outcome = askUser(askUser, call);
            observe(outcome);
            outcomes.add(outcome);
        }
        if (!batch.isEmpty()) {
            outcomes.addAll(agent.toolExecutor().executeAll(List.copyOf(batch), runId, run.request().principal(),
                    run.cancellation(), this::observe));
        }
        return outcomes;
    }

    private ToolOutcome askUser(AskUserTool tool, ToolCall call) throws InterruptedException {
        Instant start = agent.clock().instant();
        String question;
        try {
            question = agent.tools().validate(call.name(), call.arguments()).arguments().get("question").asString();
        } catch (ToolException e) {
            return new ToolOutcome(call, null, e.getMessage(), Duration.between(start, agent.clock().instant()));
        }
        try {
            String answer = run.awaitInput(call.id(), question, tool.timeout());
            return new ToolOutcome(call, answer, null, Duration.between(start, agent.clock().instant()));
        } catch (TimeoutException e) {
            LOG.info("Run {} got no answer to call {} within {}", runId, call.id(), tool.timeout());
            return new ToolOutcome(call, null, "The user did not answer within " + tool.timeout().toSeconds()
                    + " s. Continue without the answer, or ask again later.",
                    Duration.between(start, agent.clock().instant()), ToolOutcome.Status.TIMED_OUT);
        }
    }

    private void notifyModelCall(int step, Instant start, ChatResponse response, Throwable error) {
        ModelCallListener listener = agent.modelCallListener();
        if (listener == null) {
            return;
        }
        Usage usage = response == null ? Usage.ZERO : usageOf(response.tokenUsage());
        String finishReason = response == null || response.finishReason() == null ? null : response.finishReason().name();
        String responseModel = response == null ? null : response.modelName();
        try {
            listener.onModelCall(run, new ModelCallListener.ModelCall(step, agent.modelName(), start,
                    agent.clock().instant(), usage.inputTokens(), usage.outputTokens(), finishReason, responseModel,
                    error));
        } catch (RuntimeException e) {
            LOG.warn("Model call listener failed for run {}; the run goes on", runId, e);
        }
    }

    private void observe(ToolOutcome outcome) {
        run.emit((sequence, now) -> new Observation(runId, sequence, now, outcome.call().id(), outcome.call().name(),
                outcome.result(), outcome.error(), outcome.duration().toMillis()));
    }

    private ChatResponse call(ChatRequest request) {
        ChatResponse response;
        try {
            response = agent.chatModel().chat(request);
        } catch (CancellationException e) {
            throw e;
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("Run " + runId + " was interrupted during a model call");
            }
            throw ModelErrors.classify(e, null);
        }
        AiMessage message = response.aiMessage();
        if (message.thinking() != null && !message.thinking().isEmpty()) {
            run.emit((sequence, now) -> new Thought(runId, sequence, now, message.thinking()));
        }
        if (!message.hasToolExecutionRequests() && message.text() != null && !message.text().isEmpty()) {
            run.emit((sequence, now) -> new Token(runId, sequence, now, message.text()));
        }
        return response;
    }

    private ChatResponse stream(ChatRequest request) throws InterruptedException {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        StringBuilder partial = new StringBuilder();
        // The handle that aborts the provider's stream; LangChain4j models pass it with each partial response.
        AtomicReference<StreamingHandle> handle = new AtomicReference<>();
        StreamingChatResponseHandler handler = new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse response, PartialResponseContext context) {
                handle.compareAndSet(null, context.streamingHandle());
                if (run.status().finished()) {
                    context.streamingHandle().cancel();
                    return;
                }
                onPartialResponse(response.text());
            }

            @Override
            public void onPartialResponse(String text) {
                synchronized (partial) {
                    partial.append(text);
                }
                run.emit((sequence, now) -> new Token(runId, sequence, now, text));
            }

            @Override
            public void onPartialThinking(PartialThinking thinking, PartialThinkingContext context) {
                handle.compareAndSet(null, context.streamingHandle());
                onPartialThinking(thinking);
            }

            @Override
            public void onPartialThinking(PartialThinking thinking) {
                run.emit((sequence, now) -> new Thought(runId, sequence, now, thinking.text()));
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        };
        if (agent.streamingModel() instanceof OpenAiCompatibleChatModel openAi) {
            handle.set(openAi.stream(request, handler));
        } else {
            agent.streamingModel().chat(request, handler);
        }
        try {
            return done.get();
        } catch (InterruptedException e) {
            StreamingHandle streaming = handle.get();
            if (streaming != null) {
                streaming.cancel();
            }
            done.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            String text;
            synchronized (partial) {
                text = partial.toString();
            }
            throw ModelErrors.classify(e.getCause(), text);
        }
    }

    private void checkNotCancelled() throws InterruptedException {
        if (run.status().finished() || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("Run " + runId + " was cancelled");
        }
    }

    private void fail(String code, String message, boolean retryable, String partialText) {
        String partial = partialText == null || partialText.isEmpty() ? null : partialText;
        run.finish(RunStatus.FAILED, (sequence, now) -> new ErrorEvent(runId, sequence, now, code, message, retryable,
                partial, true));
    }

    // Some providers omit call ids; the loop needs one per call to pair actions with observations.
    private static List<ToolExecutionRequest> withIds(List<ToolExecutionRequest> requests, int step) {
        List<ToolExecutionRequest> result = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            ToolExecutionRequest request = requests.get(i);
            if (request.id() == null || request.id().isBlank()) {
                request = request.toBuilder().id("call_" + step + "_" + (i + 1)).build();
            }
            result.add(request);
        }
        return result;
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
