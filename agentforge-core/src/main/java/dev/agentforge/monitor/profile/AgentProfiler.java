package dev.agentforge.monitor.profile;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.ModelCallListener;
import dev.agentforge.event.Action;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import dev.agentforge.tool.ToolExecutionEvent;
import dev.agentforge.tool.ToolExecutionListener;
import dev.agentforge.tool.ToolExecutor;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * Times the steps of agent runs and finds the bottleneck: model calls, tool calls, queue wait and
 * stream delivery, each as a distribution per name, plus wall time and retained memory per run.
 *
 * <p>The profiler takes its observations from three places. {@link #watch(AgentRun)} subscribes to a
 * run's events for its wall time, memory and tokens. Without a model call listener, it also derives each
 * model call from them: the time from {@code run_started}, or from the last observation of a tool turn,
 * to the next {@code action} or the terminal event. That span also includes the loop's own overhead
 * between the model's response and the next event, which is small next to a model call.
 * {@link #modelCallListener()} times model calls in the agent loop instead, with token counts.
 * {@link #attach(ToolExecutor)} listens to the tool executor, which reports each call's queue wait and
 * handler time; without it, tool times come from the {@code durationMillis} of observations, which
 * include queue wait and have millisecond resolution.
 *
 * <p>The same observations are committed as JFR events ({@link RunEvent}, {@link ModelCallEvent},
 * {@link ToolCallEvent}) when a recording has them enabled, so JDK Mission Control and
 * {@code jfr print} show agent activity next to the JVM's own events.
 *
 * <p>Distributions live in a private Micrometer {@link SimpleMeterRegistry} on the profiler's clock and
 * never expire, so a report covers everything since the profiler was created or last {@link #reset()}.
 * Thread-safe.
 */
public final class AgentProfiler {

    private static final Logger LOG = LoggerFactory.getLogger(AgentProfiler.class);

    /** How many ended runs the profiler keeps for the per-run table when no limit is set. */
    public static final int DEFAULT_MAX_RUNS = 1000;

    /** How many runs the listeners' totals are kept for before the oldest are dropped. */
    private static final int MAX_TRACKED_RUNS = 10_000;

    private static final double[] PERCENTILES = {0.5, 0.9, 0.99};

    // Long enough that Micrometer's time window never rotates out samples within a profiling session.
    private static final Duration NO_EXPIRY = Duration.ofDays(3650);

    private record StepKey(StepKind kind, String name) {
    }

    private final Clock clock;
    private final boolean jfrEnabled;
    private final int maxRuns;
    private final Object runsLock = new Object();
    private final Map<String, RunState> active = new ConcurrentHashMap<>();
    private final Map<String, ToolCallEvent> openToolEvents = new ConcurrentHashMap<>();
    // Tool and model totals by run id, from the executor and the model call listener. A run's calls may
    // end before watch(run) is called, so totals are kept for every run and taken when the run ends.
    // Beyond MAX_TRACKED_RUNS the oldest are dropped.
    private final Map<String, RunTotals> runTotals = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RunTotals> eldest) {
            return size() > MAX_TRACKED_RUNS;
        }
    };
    private final ToolExecutionListener toolListener = this::onToolEvent;
    private volatile Meters meters;
    private volatile boolean executorAttached;
    private volatile boolean modelListenerAttached;
    private Deque<RunProfile> runs = new ArrayDeque<>();

    private AgentProfiler(Builder builder) {
        this.clock = builder.clock;
        this.jfrEnabled = builder.jfr;
        this.maxRuns = builder.maxRuns;
        this.meters = new Meters(clock);
    }

    /** Creates a profiler on the system clock with JFR events on. */
    public static AgentProfiler create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Profiles a run from its events. Call it right after starting the run: the run's events are
     * replayed from the first, but JFR durations are measured when the profiler receives each event.
     *
     * @return a future that completes with the run's profile once the profiler has recorded it, which
     *     may be shortly after the run's own result completes
     */
    public CompletableFuture<RunProfile> watch(AgentRun run) {
        Objects.requireNonNull(run, "run");
        RunState state = active.computeIfAbsent(run.id(), id -> new RunState(run));
        run.events().subscribe(event -> onRunEvent(run, event), error -> {
            LOG.warn("Profiling of run {} stopped: its event stream failed: {}", run.id(), error.toString());
            active.remove(run.id());
            state.profiled.completeExceptionally(error);
        });
        return state.profiled.copy();
    }

    /**
     * Listens to the tool executor for queue wait and handler time. From then on tool times come from the
     * executor, not from observations, so no call is counted twice.
     */
    public AgentProfiler attach(ToolExecutor executor) {
        executorAttached = true;
        executor.addListener(toolListener);
        return this;
    }

    /** Stops listening to a tool executor attached with {@link #attach}. */
    public void detach(ToolExecutor executor) {
        executor.removeListener(toolListener);
    }

    /** Returns the listener that {@link #attach} adds, for an executor the caller wires up itself. */
    public ToolExecutionListener toolListener() {
        executorAttached = true;
        return toolListener;
    }

    /**
     * Returns a listener for {@code Agent.Builder.modelCallListener} that times each model call from the
     * agent loop itself: request to response, with the provider's token counts. From then on model
     * calls are timed by the listener, not derived from events. An agent takes one listener, so an
     * application that also traces model calls calls both from one lambda.
     */
    public ModelCallListener modelCallListener() {
        modelListenerAttached = true;
        return this::onModelCall;
    }

    private void onModelCall(AgentRun run, ModelCallListener.ModelCall call) {
        Duration elapsed = nonNegative(Duration.between(call.start(), call.end()));
        String model = call.model() != null ? call.model() : "unknown";
        record(StepKind.MODEL_CALL, model, elapsed);
        synchronized (runTotals) {
            runTotals.computeIfAbsent(run.id(), id -> new RunTotals()).addModelCall(elapsed);
        }
        if (!jfrEnabled) {
            return;
        }
        ModelCallEvent jfr = new ModelCallEvent();
        if (!jfr.shouldCommit()) {
            return;
        }
        jfr.runId = run.id();
        jfr.model = model;
        jfr.step = call.step();
        jfr.outcome = call.error() != null ? "error" : call.finishReason() == null ? "unknown" : call.finishReason();
        jfr.elapsed = elapsed.toNanos();
        jfr.inputTokens = call.inputTokens();
        jfr.outputTokens = call.outputTokens();
        jfr.commit();
    }

    /**
     * Wraps a live event stream so that each event's delivery lag, from its timestamp to the moment the
     * subscriber receives it, is timed as {@link StepKind#STREAM_DELIVERY} under {@code subscriber}.
     * Wrap the stream where the subscriber reads it, such as an SSE writer. A replayed stream shows the
     * replay's age as lag.
     */
    public Flux<AgentEvent> timeDelivery(Flux<AgentEvent> events, String subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        return events.doOnNext(event -> record(StepKind.STREAM_DELIVERY, subscriber,
                nonNegative(Duration.between(event.timestamp(), clock.instant()))));
    }

    /** Records one step timed elsewhere, such as a step that no event or listener shows. */
    public void record(StepKind kind, String name, Duration duration) {
        meters.timer(kind, name).record(nonNegative(duration));
    }

    /** Clears every distribution and run profile. Runs being watched go on being profiled. */
    public void reset() {
        meters = new Meters(clock);
        synchronized (runsLock) {
            runs = new ArrayDeque<>();
        }
    }

    /** Returns the profiles of the ended runs, oldest first, up to the configured limit. */
    public List<RunProfile> runs() {
        synchronized (runsLock) {
            return List.copyOf(runs);
        }
    }

    /** Returns the statistics of every step timed so far, ordered by total time, largest first. */
    public List<StepStats> steps() {
        return meters.stepStats();
    }

    /** Builds a report of everything profiled so far. */
    public ProfileReport report() {
        List<StepStats> steps = steps();
        List<RunProfile> profiles = runs();
        Meters current = meters;
        StepStats runWall = current.runWallStats();
        RetainedStats retained = current.retainedStats();
        return new ProfileReport(clock.instant(), profiles, current.runCount(), runWall, retained.p50(),
                retained.p99(), retained.max(), steps, bottleneck(steps, runWall));
    }

    private static Bottleneck bottleneck(List<StepStats> steps, StepStats runWall) {
        List<StepStats> candidates = steps.stream().filter(step -> step.kind().onRunTimeline()).toList();
        if (candidates.isEmpty()) {
            return new Bottleneck(null, 0, null);
        }
        StepStats byTotal = candidates.stream().max(Comparator.comparing(StepStats::total)).orElseThrow();
        StepStats byTail = candidates.stream().max(Comparator.comparing(StepStats::p99)).orElseThrow();
        long divisor = runWall.count() > 0
                ? runWall.total().toNanos()
                : candidates.stream().mapToLong(step -> step.total().toNanos()).sum();
        double share = divisor == 0 ? 0 : (double) byTotal.total().toNanos() / divisor;
        return new Bottleneck(byTotal, share, byTail);
    }

    private void onRunEvent(AgentRun run, AgentEvent event) {
        RunState state = active.get(run.id());
        if (state == null) {
            return;
        }
        try {
            handle(state, event);
        } catch (RuntimeException e) {
            LOG.warn("Profiling of run {} skipped event {}: {}", run.id(), event.sequence(), e.toString());
        }
    }

    private void handle(RunState state, AgentEvent event) {
        switch (event) {
            case RunStarted started -> state.start(started, jfrEnabled);
            case Action action -> {
                state.endModelCall(action.timestamp(), "tool_calls", meters, !modelListenerAttached);
                state.outstandingCalls++;
            }
            case Observation observation -> {
                if (!executorAttached) {
                    Duration duration = Duration.ofMillis(observation.durationMillis());
                    record(StepKind.TOOL_CALL, observation.tool(), duration);
                    state.addToolCall(duration, Duration.ZERO);
                }
                state.outstandingCalls = Math.max(0, state.outstandingCalls - 1);
                if (state.outstandingCalls == 0) {
                    state.beginModelCall(observation.timestamp(), jfrEnabled);
                }
            }
            default -> {
                if (event.terminal()) {
                    finish(state, event);
                }
            }
        }
    }

    private void finish(RunState state, AgentEvent terminal) {
        active.remove(state.run.id());
        state.endModelCall(terminal.timestamp(), terminal.type(), meters, !modelListenerAttached);
        long tokens = terminal instanceof RunCompleted done ? done.usage().totalTokens() : state.run.usage().totalTokens();
        RunTotals totals;
        synchronized (runTotals) {
            totals = runTotals.remove(state.run.id());
        }
        if (totals != null) {
            state.setRunTotals(totals, executorAttached, modelListenerAttached);
        }
        RunProfile profile = state.finish(terminal, tokens, meters);
        synchronized (runsLock) {
            runs.addLast(profile);
            while (runs.size() > maxRuns) {
                runs.removeFirst();
            }
        }
        state.profiled.complete(profile);
    }

    private void onToolEvent(ToolExecutionEvent event) {
        String key = event.runId() + "/" + event.callId();
        switch (event) {
            case ToolExecutionEvent.Started started -> {
                if (jfrEnabled) {
                    ToolCallEvent jfr = new ToolCallEvent();
                    if (jfr.isEnabled()) {
                        jfr.begin();
                        openToolEvents.put(key, jfr);
                    }
                }
            }
            case ToolExecutionEvent.Finished finished -> {
                String pool = finished.pool() != null ? finished.pool() : finished.tool();
                record(StepKind.QUEUE_WAIT, pool, finished.waited());
                record(StepKind.TOOL_CALL, finished.tool(), finished.ran());
                synchronized (runTotals) {
                    runTotals.computeIfAbsent(finished.runId(), id -> new RunTotals())
                            .add(finished.ran(), finished.waited());
                }
                commitToolEvent(key, finished);
            }
            default -> {
            }
        }
    }

    private void commitToolEvent(String key, ToolExecutionEvent.Finished finished) {
        ToolCallEvent jfr = openToolEvents.remove(key);
        if (jfr == null) {
            if (!jfrEnabled) {
                return;
            }
            jfr = new ToolCallEvent();
        }
        jfr.end();
        if (!jfr.shouldCommit()) {
            return;
        }
        jfr.runId = finished.runId();
        jfr.callId = finished.callId();
        jfr.toolName = finished.tool();
        jfr.pool = finished.pool();
        jfr.outcome = finished.status().name();
        jfr.waited = finished.waited().toNanos();
        jfr.ran = finished.ran().toNanos();
        jfr.attempts = finished.attempts();
        jfr.commit();
    }

    private static Duration nonNegative(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }

    /** The profile of one run in progress. Its events arrive one at a time; tool events may come from other threads. */
    private static final class RunState {
        final AgentRun run;
        final CompletableFuture<RunProfile> profiled = new CompletableFuture<>();
        String model = "unknown";
        Instant startedAt;
        Instant modelCallStart;
        int outstandingCalls;
        int modelCalls;
        Duration modelTime = Duration.ZERO;
        int toolCalls;
        Duration toolTime = Duration.ZERO;
        Duration queueWait = Duration.ZERO;
        RunEvent runEvent;
        ModelCallEvent modelEvent;

        RunState(AgentRun run) {
            this.run = run;
        }

        synchronized void start(RunStarted started, boolean jfr) {
            model = started.model() != null ? started.model() : "unknown";
            startedAt = started.timestamp();
            if (jfr) {
                runEvent = new RunEvent();
                runEvent.begin();
            }
            beginModelCall(started.timestamp(), jfr);
        }

        synchronized void beginModelCall(Instant at, boolean jfr) {
            // NOTE: with a model call listener the JFR event created here is dropped uncommitted in endModelCall.
            modelCallStart = at;
            if (jfr) {
                modelEvent = new ModelCallEvent();
                modelEvent.begin();
            }
        }

        /** Ends the model call the events show; {@code record} is false when the model call listener times calls. */
        synchronized void endModelCall(Instant at, String outcome, Meters meters, boolean record) {
            if (modelCallStart == null) {
                return;
            }
            Duration elapsed = nonNegative(Duration.between(modelCallStart, at));
            modelCallStart = null;
            modelCalls++;
            modelTime = modelTime.plus(elapsed);
            ModelCallEvent jfr = modelEvent;
            modelEvent = null;
            if (!record) {
                return;
            }
            meters.timer(StepKind.MODEL_CALL, model).record(elapsed);
            if (jfr != null) {
                jfr.end();
                if (jfr.shouldCommit()) {
                    jfr.runId = run.id();
                    jfr.model = model;
                    jfr.step = modelCalls;
                    jfr.outcome = outcome;
                    jfr.elapsed = elapsed.toNanos();
                    jfr.commit();
                }
            }
        }

        synchronized void addToolCall(Duration ran, Duration waited) {
            toolCalls++;
            toolTime = toolTime.plus(ran);
            queueWait = queueWait.plus(waited);
        }

        synchronized void setRunTotals(RunTotals totals, boolean tools, boolean models) {
            if (tools) {
                toolCalls = totals.calls;
                toolTime = totals.ran;
                queueWait = totals.waited;
            }
            if (models) {
                modelCalls = totals.modelCalls;
                modelTime = totals.modelTime;
            }
        }

        synchronized RunProfile finish(AgentEvent terminal, long tokens, Meters meters) {
            Instant start = startedAt != null ? startedAt : run.startedAt();
            Duration wall = nonNegative(Duration.between(start, terminal.timestamp()));
            long retained = run.retainedBytes();
            meters.recordRun(wall, retained);
            if (runEvent != null) {
                runEvent.end();
                if (runEvent.shouldCommit()) {
                    runEvent.runId = run.id();
                    runEvent.model = model;
                    runEvent.outcome = terminal.type();
                    runEvent.elapsed = wall.toNanos();
                    runEvent.totalTokens = tokens;
                    runEvent.retainedBytes = retained;
                    runEvent.commit();
                }
            }
            return new RunProfile(run.id(), model, terminal.type(), start, wall, modelTime, modelCalls, toolTime,
                    queueWait, toolCalls, tokens, retained);
        }
    }

    /**
     * The summed tool calls and model calls of one run, as the executor and the model call listener
     * reported them. Guarded by the map's lock.
     */
    private static final class RunTotals {
        int calls;
        Duration ran = Duration.ZERO;
        Duration waited = Duration.ZERO;
        int modelCalls;
        Duration modelTime = Duration.ZERO;

        void add(Duration ranTime, Duration waitedTime) {
            calls++;
            ran = ran.plus(ranTime);
            waited = waited.plus(waitedTime);
        }

        void addModelCall(Duration elapsed) {
            modelCalls++;
            modelTime = modelTime.plus(elapsed);
        }
    }

    private record RetainedStats(long p50, long p99, long max) {
    }

    /** The Micrometer meters of one profiling session; {@link #reset()} swaps in a fresh set. */
    private static final class Meters {
        final SimpleMeterRegistry registry;
        final Map<StepKey, Timer> timers = new ConcurrentHashMap<>();
        final Timer runWall;
        final DistributionSummary retained;

        Meters(Clock clock) {
            this.registry = new SimpleMeterRegistry(io.micrometer.core.instrument.simple.SimpleConfig.DEFAULT,
                    new MicrometerClock(clock));
            this.runWall = timerBuilder("agentforge.profile.run").register(registry);
            this.retained = DistributionSummary.builder("agentforge.profile.run.retained")
                    .baseUnit("bytes")
                    .publishPercentiles(PERCENTILES)
                    .percentilePrecision(2)
                    .distributionStatisticExpiry(NO_EXPIRY)
                    .distributionStatisticBufferLength(1)
                    .register(registry);
        }

        private static Timer.Builder timerBuilder(String name) {
            return Timer.builder(name)
                    .publishPercentiles(PERCENTILES)
                    .percentilePrecision(2)
                    .distributionStatisticExpiry(NO_EXPIRY)
                    .distributionStatisticBufferLength(1);
        }

        Timer timer(StepKind kind, String name) {
            String stepName = name == null ? "unknown" : name;
            return timers.computeIfAbsent(new StepKey(kind, stepName), key -> timerBuilder("agentforge.profile.step")
                    .tag("kind", kind.label())
                    .tag("name", stepName)
                    .register(registry));
        }

        void recordRun(Duration wall, long retainedBytes) {
            runWall.record(wall);
            retained.record(retainedBytes);
        }

        long runCount() {
            return runWall.count();
        }

        StepStats runWallStats() {
            return stats(null, "run", runWall);
        }

        RetainedStats retainedStats() {
            HistogramSnapshot snapshot = retained.takeSnapshot();
            return new RetainedStats((long) percentile(snapshot, 0.5, null), (long) percentile(snapshot, 0.99, null),
                    (long) snapshot.max());
        }

        List<StepStats> stepStats() {
            List<StepStats> result = new ArrayList<>();
            timers.forEach((key, timer) -> result.add(stats(key.kind(), key.name(), timer)));
            result.sort(Comparator.comparing(StepStats::total).reversed().thenComparing(StepStats::label));
            return result;
        }

        private static StepStats stats(StepKind kind, String name, Timer timer) {
            HistogramSnapshot snapshot = timer.takeSnapshot();
            Duration max = nanos(snapshot.max(TimeUnit.NANOSECONDS));
            // The estimator rounds to two significant digits, so a percentile may land just above the exact max.
            return new StepStats(kind, name, snapshot.count(), nanos(snapshot.total(TimeUnit.NANOSECONDS)),
                    min(nanos(percentile(snapshot, 0.5, TimeUnit.NANOSECONDS)), max),
                    min(nanos(percentile(snapshot, 0.9, TimeUnit.NANOSECONDS)), max),
                    min(nanos(percentile(snapshot, 0.99, TimeUnit.NANOSECONDS)), max), max);
        }

        private static double percentile(HistogramSnapshot snapshot, double percentile, TimeUnit unit) {
            for (ValueAtPercentile value : snapshot.percentileValues()) {
                if (value.percentile() == percentile) {
                    return unit == null ? value.value() : value.value(unit);
                }
            }
            return 0;
        }

        private static Duration nanos(double nanos) {
            return Duration.ofNanos(Math.round(nanos));
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }

    /** Builds an {@link AgentProfiler}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private boolean jfr = true;
        private int maxRuns = DEFAULT_MAX_RUNS;

        private Builder() {
        }

        /** Sets the clock for delivery lag and Micrometer's windows; use the agent's clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Sets whether the profiler commits JFR events; on by default, and free while no recording runs. */
        public Builder jfr(boolean enabled) {
            this.jfr = enabled;
            return this;
        }

        /** Sets how many ended runs the per-run table keeps; older ones are dropped first. */
        public Builder maxRuns(int maxRuns) {
            if (maxRuns < 1) {
                throw new IllegalArgumentException("maxRuns must be at least 1, got " + maxRuns);
            }
            this.maxRuns = maxRuns;
            return this;
        }

        public AgentProfiler build() {
            return new AgentProfiler(this);
        }
    }
}
