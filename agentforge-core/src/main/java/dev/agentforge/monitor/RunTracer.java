package dev.agentforge.monitor;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.ModelCallListener;
import dev.agentforge.event.Action;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.event.RunCancelled;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import dev.agentforge.event.Usage;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry spans of agent runs, with attributes of the OpenTelemetry GenAI semantic conventions
 * (status: development). Every span takes its start and end times from the events, so it needs no hook
 * in the agent loop except for model calls:
 *
 * <ul>
 *   <li>{@code invoke_agent}, one per run, from {@code run_started} to the terminal event, with the
 *       run's token usage, and status ERROR with {@code error.type} set to the error code when it failed.
 *   <li>{@code execute_tool <tool>}, one per tool call, from its {@code action} to its
 *       {@code observation}, a child of the run span.
 *   <li>{@code chat <model>}, one per model call, a child of the run span, when this tracer is the
 *       agent's {@link ModelCallListener} ({@code Agent.Builder.modelCallListener}).
 * </ul>
 *
 * <p>With the default {@link GlobalOpenTelemetry} and no SDK installed, every span is a no-op.
 */
public final class RunTracer implements ModelCallListener {

    private static final Logger LOG = LoggerFactory.getLogger(RunTracer.class);

    /** The instrumentation scope name of the spans. */
    public static final String SCOPE = "dev.agentforge";

    static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("agentforge.run.id");
    static final AttributeKey<String> RUN_STATUS = AttributeKey.stringKey("agentforge.run.status");
    static final AttributeKey<Long> STEP = AttributeKey.longKey("agentforge.step");

    // Span contexts of recently ended runs, so a model call that ends after a cancel still finds its parent.
    private static final int ENDED_RUNS_KEPT = 1024;

    private final Tracer tracer;
    private final Map<String, RunSpans> active = new ConcurrentHashMap<>();
    private final Map<String, SpanContext> ended = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, SpanContext> eldest) {
                    return size() > ENDED_RUNS_KEPT;
                }
            });

    /** Creates a tracer on {@link GlobalOpenTelemetry}, which is a no-op unless an SDK is installed. */
    public RunTracer() {
        this(GlobalOpenTelemetry.get());
    }

    public RunTracer(OpenTelemetry openTelemetry) {
        this.tracer = Objects.requireNonNull(openTelemetry, "openTelemetry").getTracer(SCOPE);
    }

    /**
     * Subscribes to the run's events from its first one and records its spans. Calling it again for the
     * same run does nothing, so both a run start listener and {@link #onModelCall} may call it. It is
     * synchronized so that a caller finds the run span once it returns, whichever thread subscribed.
     */
    public synchronized void observe(AgentRun run) {
        RunSpans spans = new RunSpans(run);
        if (ended.containsKey(run.id()) || active.putIfAbsent(run.id(), spans) != null) {
            return;
        }
        run.events().subscribe(event -> {
            try {
                spans.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("Recording spans of run {} failed at event {}", run.id(), event.sequence(), e);
            }
        }, error -> {
            LOG.warn("The event stream of run {} failed; its spans are incomplete", run.id(), error);
            active.remove(run.id());
        });
    }

    @Override
    public void onModelCall(AgentRun run, ModelCall call) {
        // Subscribing replays the run's events on this thread, so its span exists afterwards.
        observe(run);
        RunSpans spans = active.get(run.id());
        SpanContext parent = spans != null && spans.runSpan != null ? spans.runSpan.getSpanContext() : ended.get(run.id());
        String provider = GenAi.provider(call.model());
        String model = GenAi.model(call.model());
        var builder = tracer.spanBuilder(GenAi.CHAT + " " + model)
                .setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(call.start())
                .setAttribute(GenAi.OPERATION_NAME, GenAi.CHAT)
                .setAttribute(GenAi.PROVIDER_NAME, provider)
                .setAttribute(GenAi.REQUEST_MODEL, model)
                .setAttribute(RUN_ID, run.id())
                .setAttribute(STEP, (long) call.step());
        if (parent != null) {
            builder.setParent(Context.root().with(Span.wrap(parent)));
        }
        Span span = builder.startSpan();
        if (call.responseModel() != null) {
            span.setAttribute(GenAi.RESPONSE_MODEL, call.responseModel());
        }
        if (call.finishReason() != null) {
            span.setAttribute(AttributeKey.stringArrayKey(GenAi.RESPONSE_FINISH_REASONS), List.of(call.finishReason()));
        }
        if (call.error() == null) {
            span.setAttribute(GenAi.USAGE_INPUT_TOKENS, call.inputTokens());
            span.setAttribute(GenAi.USAGE_OUTPUT_TOKENS, call.outputTokens());
        } else {
            span.setAttribute(GenAi.ERROR_TYPE, call.error().getClass().getName());
            span.setStatus(StatusCode.ERROR, String.valueOf(call.error().getMessage()));
        }
        span.end(call.end());
    }

    /** The open spans of one run. Events of one run arrive one at a time, in order. */
    private final class RunSpans {
        private final AgentRun run;
        private final Map<String, Span> tools = new HashMap<>();
        private volatile Span runSpan;

        RunSpans(AgentRun run) {
            this.run = run;
        }

        void onEvent(AgentEvent event) {
            switch (event) {
                case RunStarted started -> startRun(started);
                case Action action -> startTool(action);
                case Observation observation -> endTool(observation);
                case RunCompleted completed -> endRun(completed.timestamp(), "completed", null, null, completed.usage());
                case ErrorEvent error when error.fatal() -> endRun(error.timestamp(), "failed", error.code(),
                        error.message(), run.usage());
                case RunCancelled cancelled -> endRun(cancelled.timestamp(), "cancelled", null, null, run.usage());
                default -> {
                }
            }
        }

        private void startRun(RunStarted started) {
            runSpan = tracer.spanBuilder(GenAi.INVOKE_AGENT)
                    .setSpanKind(SpanKind.INTERNAL)
                    .setNoParent()
                    .setStartTimestamp(started.timestamp())
                    .setAttribute(GenAi.OPERATION_NAME, GenAi.INVOKE_AGENT)
                    .setAttribute(GenAi.PROVIDER_NAME, GenAi.provider(started.model()))
                    .setAttribute(GenAi.REQUEST_MODEL, GenAi.model(started.model()))
                    .setAttribute(GenAi.CONVERSATION_ID, started.runId())
                    .setAttribute(RUN_ID, started.runId())
                    .startSpan();
        }

        private void startTool(Action action) {
            var builder = tracer.spanBuilder(GenAi.EXECUTE_TOOL + " " + action.tool())
                    .setSpanKind(SpanKind.INTERNAL)
                    .setStartTimestamp(action.timestamp())
                    .setAttribute(GenAi.OPERATION_NAME, GenAi.EXECUTE_TOOL)
                    .setAttribute(GenAi.TOOL_NAME, action.tool())
                    .setAttribute(GenAi.TOOL_CALL_ID, action.callId())
                    .setAttribute(GenAi.TOOL_TYPE, "function")
                    .setAttribute(RUN_ID, action.runId());
            if (runSpan != null) {
                builder.setParent(Context.root().with(runSpan));
            }
            tools.put(action.callId(), builder.startSpan());
        }

        private void endTool(Observation observation) {
            Span span = tools.remove(observation.callId());
            if (span == null) {
                return;
            }
            if (observation.failed()) {
                span.setAttribute(GenAi.ERROR_TYPE, "tool_error");
                span.setStatus(StatusCode.ERROR, observation.error());
            }
            span.end(observation.timestamp());
        }

        private void endRun(Instant at, String status, String errorType, String errorMessage, Usage usage) {
            // A run cancelled between an action and its observation leaves tool spans open; end them with it.
            tools.values().forEach(span -> span.end(at));
            tools.clear();
            Span span = runSpan;
            if (span == null) {
                active.remove(run.id());
                return;
            }
            span.setAttribute(RUN_STATUS, status);
            if (usage != null) {
                span.setAttribute(GenAi.USAGE_INPUT_TOKENS, usage.inputTokens());
                span.setAttribute(GenAi.USAGE_OUTPUT_TOKENS, usage.outputTokens());
            }
            if (errorType != null) {
                span.setAttribute(GenAi.ERROR_TYPE, errorType);
                span.setStatus(StatusCode.ERROR, errorMessage);
            }
            span.end(at);
            ended.put(run.id(), span.getSpanContext());
            active.remove(run.id());
        }
    }
}
