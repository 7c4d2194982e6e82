package dev.agentforge.monitor;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.event.RunCancelled;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import dev.agentforge.event.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metrics of agent runs, read from each run's event log ({@link AgentRun#events()}), so they count
 * exactly what clients see. Names follow the OpenTelemetry GenAI semantic conventions (status:
 * development) where they define one, with their bucket boundaries; docs/monitoring.md lists every
 * meter with its tags.
 *
 * <ul>
 *   <li>{@code agentforge.runs}: counter of ended runs by {@code outcome} (completed, failed, cancelled).
 *   <li>{@code gen_ai.client.operation.duration}: timer of runs, from {@code run_started} to the
 *       terminal event, with {@code gen_ai.operation.name=invoke_agent}.
 *   <li>{@code gen_ai.client.token.usage}: distribution of each run's input and output tokens, by
 *       {@code gen_ai.token.type}; a run whose provider reported no tokens records none.
 *   <li>{@code agentforge.run.tool.calls}: counter of tool calls by tool and {@code outcome}.
 *   <li>{@code gen_ai.execute_tool.duration}: timer of tool calls, from each observation's duration.
 * </ul>
 *
 * <p>Every series of a meter carries the same tag keys, as Prometheus requires, so {@code error.type}
 * is the empty string on success.
 */
public final class RunMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(RunMetrics.class);

    /** Bucket boundaries of {@code gen_ai.client.token.usage} in the GenAI conventions. */
    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
        4194304, 16777216, 67108864};

    /** Bucket boundaries of the GenAI duration histograms, in seconds. */
    private static final double[] DURATION_BUCKETS_SECONDS = {0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56,
        5.12, 10.24, 20.48, 40.96, 81.92};

    static final String RUNS = "agentforge.runs";
    static final String OPERATION_DURATION = "gen_ai.client.operation.duration";
    static final String TOKEN_USAGE = "gen_ai.client.token.usage";
    static final String TOOL_CALLS = "agentforge.run.tool.calls";
    static final String TOOL_DURATION = "gen_ai.execute_tool.duration";

    private final MeterRegistry registry;

    public RunMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Subscribes to the run's events from its first one and records its meters as they arrive. Call it
     * once per run, for example from {@code RunRegistry.addStartListener}.
     */
    public void observe(AgentRun run) {
        RunState state = new RunState(run);
        run.events().subscribe(event -> {
            try {
                state.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("Recording metrics of run {} failed at event {}", run.id(), event.sequence(), e);
            }
        }, error -> LOG.warn("The event stream of run {} failed; its metrics are incomplete", run.id(), error));
    }

    private static Duration[] durationBuckets() {
        Duration[] buckets = new Duration[DURATION_BUCKETS_SECONDS.length];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = Duration.ofNanos(Math.round(DURATION_BUCKETS_SECONDS[i] * 1e9));
        }
        return buckets;
    }

    /** The model and start time of one run, for its meters. Events of one run arrive one at a time, in order. */
    private final class RunState {
        private final AgentRun run;
        private String provider = "unknown";
        private String model = "unknown";
        private Instant startedAt;

        RunState(AgentRun run) {
            this.run = run;
        }

        void onEvent(AgentEvent event) {
            switch (event) {
                case RunStarted started -> {
                    provider = GenAi.provider(started.model());
                    model = GenAi.model(started.model());
                    startedAt = started.timestamp();
                }
                case Observation observation -> recordToolCall(observation);
                case RunCompleted completed -> endRun("completed", "", completed.timestamp(), completed.usage());
                case ErrorEvent error when error.fatal() -> endRun("failed", error.code(), error.timestamp(), run.usage());
                case RunCancelled cancelled -> endRun("cancelled", "cancelled", cancelled.timestamp(), run.usage());
                default -> {
                }
            }
        }

        private void recordToolCall(Observation observation) {
            boolean failed = observation.failed();
            Counter.builder(TOOL_CALLS)
                    .description("Tool calls of agent runs, by tool and outcome")
                    .tags(GenAi.TOOL_NAME, observation.tool(), "outcome", failed ? "error" : "success")
                    .register(registry)
                    .increment();
            Timer.builder(TOOL_DURATION)
                    .description("Duration of tool calls, from the start of the call to its outcome")
                    .tags(GenAi.TOOL_NAME, observation.tool(), GenAi.ERROR_TYPE, failed ? "tool_error" : "")
                    .serviceLevelObjectives(durationBuckets())
                    .register(registry)
                    .record(Duration.ofMillis(Math.max(0, observation.durationMillis())));
        }

        private void endRun(String outcome, String errorType, Instant endedAt, Usage usage) {
            Counter.builder(RUNS)
                    .description("Ended agent runs, by outcome")
                    .tags("outcome", outcome, GenAi.PROVIDER_NAME, provider, GenAi.REQUEST_MODEL, model)
                    .register(registry)
                    .increment();
            if (startedAt != null) {
                Timer.builder(OPERATION_DURATION)
                        .description("Duration of agent runs, from run_started to the terminal event")
                        .tags(operationTags().and(GenAi.ERROR_TYPE, errorType))
                        .serviceLevelObjectives(durationBuckets())
                        .register(registry)
                        .record(Duration.between(startedAt, endedAt).abs());
            }
            if (usage != null) {
                recordTokens("input", usage.inputTokens());
                recordTokens("output", usage.outputTokens());
            }
        }

        // A provider that reports no usage records nothing, as the GenAI conventions require.
        private void recordTokens(String type, long tokens) {
            if (tokens <= 0) {
                return;
            }
            DistributionSummary.builder(TOKEN_USAGE)
                    .description("Tokens used by agent runs, by token type")
                    .tags(operationTags().and(GenAi.TOKEN_TYPE, type))
                    .serviceLevelObjectives(TOKEN_BUCKETS)
                    .register(registry)
                    .record(tokens);
        }

        private Tags operationTags() {
            return Tags.of(GenAi.OPERATION_NAME, GenAi.INVOKE_AGENT, GenAi.PROVIDER_NAME, provider,
                    GenAi.REQUEST_MODEL, model);
        }
    }
}
