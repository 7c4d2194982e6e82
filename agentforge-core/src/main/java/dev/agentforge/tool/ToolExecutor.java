package dev.agentforge.tool;

import dev.agentforge.progress.CancellationToken;
import dev.agentforge.tool.internal.AdmissionQueue;
import dev.agentforge.tool.internal.ExecutorMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tool calls on virtual threads, under pools with concurrency limits, priorities with aging,
 * resource permits, a bounded queue, timeouts and retries. Every failure becomes an outcome the model
 * can read, and the calls of one model turn come back in call order, one outcome per call, whatever
 * order they finish in. docs/tools.md describes the model in full.
 *
 * <ul>
 *   <li><b>Pools.</b> Each call counts against its tool's pool ({@link #DEFAULT_POOL} unless its
 *       {@link ToolSettings} name another). A pool runs at most its limit of handlers at once. A handler
 *       that timed out or was cancelled keeps its slot until it really returns, so the limit is kept even
 *       while a handler that ignores interrupts unwinds.
 *   <li><b>Resources.</b> A call also holds the resource permits its settings name, such as one
 *       {@code db} permit, from the start of its handler until the handler returns.
 *   <li><b>Queue.</b> A call that cannot start waits in one queue shared by all pools, ordered by
 *       priority with aging (see {@link ToolPriority}). A call that finds the queue full is rejected
 *       with an outcome that explains why.
 *   <li><b>Timeouts.</b> When a call's timeout passes, its outcome is "timed out" at once, its
 *       {@link ToolContext#cancellation()} token is cancelled and its handler is interrupted.
 *   <li><b>Retry.</b> A tool whose settings have a {@link dev.agentforge.resilience.RetryPolicy} is
 *       retried on the failures that policy retries, inside the same admission and timeout.
 *   <li><b>Caller's thread.</b> A turn of one call that needs no queue and has no timeout runs on the
 *       caller's thread, because a hand-off to another thread costs tens of microseconds. Every other
 *       call runs on its own virtual thread, so the caller can return on time even if a handler ignores
 *       interrupts.
 *   <li><b>Nested calls.</b> A call made from inside a handler of this executor, or through
 *       {@link #execute(ToolCall, ToolContext)}, runs on the admission of the call that made it: it takes
 *       no pool slot and no permits and never queues, so a tool that calls tools cannot deadlock its
 *       own pool. It keeps its own timeout and retry, and it is cancelled with the outer call.
 * </ul>
 */
public final class ToolExecutor implements AutoCloseable {

    /** The pool of tools whose settings name none. */
    public static final String DEFAULT_POOL = "default";

    /** The concurrency limit of the default pool unless the builder sets another. */
    public static final int DEFAULT_POOL_LIMIT = 64;

    /** The maximum number of waiting calls unless the builder sets another. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    /** The wait that raises a queued call's priority by one level, unless the builder sets another. */
    public static final Duration DEFAULT_AGING_INTERVAL = Duration.ofSeconds(1);

    /** How long {@link #close()} waits for handlers to return, unless the builder sets another. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(ToolExecutor.class);

    private final ToolRegistry registry;
    private final Clock clock;
    private final ToolScheduler scheduler;
    private final AdmissionQueue<CallExecution> admission;
    private final Map<String, ToolSettings> settingsByTool;
    private final ToolSettings defaultSettings;
    private final ToolLifecycles lifecycles;
    private final Duration shutdownTimeout;
    private final Duration healthCheckInterval;
    private final Duration healthCheckTimeout;
    private final List<ToolExecutionListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final Set<CallExecution> running = ConcurrentHashMap.newKeySet();
    private final ThreadFactory workerFactory = Thread.ofVirtual().name("agentforge-tool-", 0).factory();
    private final Object closeLock = new Object();
    private volatile boolean closed;
    private volatile ToolScheduler.Cancellable healthTimer;

    /** Creates an executor with the defaults of {@link Builder} on the system clock. */
    public ToolExecutor(ToolRegistry registry) {
        this(builder(registry));
    }

    /** Creates an executor with the defaults of {@link Builder} on the given clock. */
    public ToolExecutor(ToolRegistry registry, Clock clock) {
        this(builder(registry).clock(clock));
    }

    private ToolExecutor(Builder builder) {
        this.registry = builder.registry;
        this.clock = builder.clock;
        this.scheduler = builder.scheduler;
        Map<String, Integer> pools = new LinkedHashMap<>();
        pools.put(DEFAULT_POOL, builder.defaultPoolLimit);
        pools.putAll(builder.pools);
        this.admission = new AdmissionQueue<>(pools, builder.resources, builder.queueCapacity,
                ToolPriority.values().length, builder.agingInterval, builder.clock);
        this.settingsByTool = Map.copyOf(builder.settingsByTool);
        this.defaultSettings = builder.defaultSettings;
        this.lifecycles = builder.lifecycles != null ? builder.lifecycles : new ToolLifecycles(builder.scheduler);
        this.shutdownTimeout = builder.shutdownTimeout;
        this.healthCheckInterval = builder.healthCheckInterval;
        this.healthCheckTimeout = builder.healthCheckTimeout;
        List<ToolSettings> all = new ArrayList<>(settingsByTool.values());
        all.add(defaultSettings);
        for (ToolSettings settings : all) {
            validate(settings);
        }
        lifecycles.addHealthListener(this::onHealthChange);
        if (healthCheckInterval != null) {
            scheduleHealthCheck();
        }
    }

    /** Starts an executor for the tools of {@code registry}. */
    public static Builder builder(ToolRegistry registry) {
        return new Builder(registry);
    }

    /** The registry this executor resolves calls against. */
    public ToolRegistry registry() {
        return registry;
    }

    /** The lifecycles of the tools this executor runs. */
    public ToolLifecycles lifecycles() {
        return lifecycles;
    }

    /** Adds a listener for the execution events of every call. */
    public void addListener(ToolExecutionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener added with {@link #addListener}. */
    public void removeListener(ToolExecutionListener listener) {
        listeners.remove(listener);
    }

    /**
     * Registers this executor's meters: the gauges {@code agentforge.tool.queue.depth} and
     * {@code agentforge.tool.active} per pool and {@code agentforge.tool.resource.available} per resource,
     * the timers {@code agentforge.tool.wait} and {@code agentforge.tool.run} per tool, pool and outcome,
     * and the counter {@code agentforge.tool.calls} per tool and outcome.
     */
    public void bindTo(MeterRegistry meterRegistry) {
        addListener(new ExecutorMetrics(this, meterRegistry));
    }

    /** Returns the settings a call of {@code tool} runs with: the executor's for its name, else the tool's own, else the defaults. */
    public ToolSettings settingsFor(Tool tool) {
        ToolSettings registered = settingsByTool.get(tool.name());
        if (registered != null) {
            return registered;
        }
        return tool.settings().orElse(defaultSettings);
    }

    /** The names of the pools, the default pool first. */
    public List<String> pools() {
        return admission.poolNames();
    }

    /** The names of the resources. */
    public List<String> resources() {
        return admission.resourceNames();
    }

    /** The calls waiting in a pool. */
    public int queued(String pool) {
        return admission.queued(pool);
    }

    /** The calls waiting in all pools. */
    public int queued() {
        return admission.queued();
    }

    /** The slots of a pool held by handlers, timed-out handlers that have not returned included. */
    public int active(String pool) {
        return admission.running(pool);
    }

    /** The concurrency limit of a pool. */
    public int limit(String pool) {
        return admission.limit(pool);
    }

    /** The free permits of a resource. */
    public int availablePermits(String resource) {
        return admission.available(resource);
    }

    /**
     * Runs the calls of one model turn and returns one outcome per call, in call order.
     *
     * @param calls the calls, in the order the model made them
     * @param runId the run making the calls
     * @param principal the principal the run acts for
     * @param onOutcome receives each outcome in call order, as soon as it and every earlier call are done
     * @throws InterruptedException if the caller is interrupted; the running calls are cancelled too
     */
    public List<ToolOutcome> executeAll(List<ToolCall> calls, String runId, String principal,
            Consumer<ToolOutcome> onOutcome) throws InterruptedException {
        return executeAll(calls, runId, principal, CancellationToken.create(), onOutcome);
    }

    /**
     * Runs the calls of one model turn as {@link #executeAll(List, String, String, Consumer)} does. Each
     * call gets a child of {@code cancellation}, so cancelling it cancels every call of the turn.
     */
    public List<ToolOutcome> executeAll(List<ToolCall> calls, String runId, String principal,
            CancellationToken cancellation, Consumer<ToolOutcome> onOutcome) throws InterruptedException {
        CallExecution outer = outerCall();
        boolean single = calls.size() == 1;
        List<CallExecution> executions = new ArrayList<>(calls.size());
        for (ToolCall call : calls) {
            CancellationToken base = outer != null ? outer.token() : cancellation;
            executions.add(begin(call, runId, principal, base, outer != null, single));
        }
        boolean onCallerThread = single && onCallerThread(executions.getFirst());
        if (onCallerThread) {
            runOnCallerThread(executions.getFirst());
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("Run " + runId + " was interrupted during tool call " + calls.getFirst().id());
            }
        }
        List<ToolOutcome> outcomes = new ArrayList<>(calls.size());
        try {
            for (CallExecution execution : executions) {
                ToolOutcome outcome = await(execution);
                onOutcome.accept(outcome);
                outcomes.add(outcome);
            }
        } catch (InterruptedException e) {
            for (CallExecution execution : executions) {
                execution.stop(ToolOutcome.Status.CANCELLED, "Tool '" + execution.call.name()
                        + "' was cancelled because its run was interrupted");
            }
            throw e;
        }
        return outcomes;
    }

    /** Runs one call; every failure, including an unknown tool or invalid arguments, becomes an outcome. */
    public ToolOutcome execute(ToolCall call, String runId, String principal) {
        return execute(call, runId, principal, CancellationToken.create());
    }

    /**
     * Runs one call with a child of {@code cancellation} as its token; every failure becomes an outcome.
     * If the calling thread is interrupted while the call waits or runs elsewhere, the call is cancelled,
     * its outcome is returned and the thread's interrupt flag is set again.
     */
    public ToolOutcome execute(ToolCall call, String runId, String principal, CancellationToken cancellation) {
        CallExecution outer = outerCall();
        CancellationToken base = outer != null ? outer.token() : cancellation;
        return runOne(begin(call, runId, principal, base, outer != null, true));
    }

    /**
     * Runs a call made by the handler of another call, with that call's run, principal and token as its
     * parent. The call runs on the parent's admission: it takes no pool slot and no permits and never
     * waits in the queue. Use this from threads a handler started; on the handler's own thread every
     * call is recognised as nested.
     */
    public ToolOutcome execute(ToolCall call, ToolContext parent) {
        return runOne(begin(call, parent.runId(), parent.principal(), parent.cancellation(), true, true));
    }

    /**
     * Initialises every registered tool that implements {@link ToolLifecycle}, in registration order, so
     * a failure shows at start-up rather than on the first call.
     *
     * @throws ToolUnavailableException if a tool fails to initialise
     */
    public void initializeTools() throws ToolUnavailableException, InterruptedException {
        for (Tool tool : registry.tools()) {
            if (tool instanceof ToolLifecycle lifecycle) {
                lifecycles.initialize(lifecycle, tool.name());
            }
        }
    }

    /**
     * Checks the health of every initialised tool now, with the configured check timeout; see
     * {@link ToolLifecycles#checkHealth(Duration)}. An unhealthy tool whose settings say
     * {@link ToolSettings.Degradation#WITHDRAW} is withdrawn from the registry until a check passes.
     */
    public Map<String, ToolHealth> checkHealth() throws InterruptedException {
        return lifecycles.checkHealth(healthCheckTimeout);
    }

    private ToolOutcome runOne(CallExecution execution) {
        if (onCallerThread(execution)) {
            runOnCallerThread(execution);
        }
        try {
            return await(execution);
        } catch (InterruptedException e) {
            execution.stop(ToolOutcome.Status.CANCELLED, "Tool '" + execution.call.name()
                    + "' was cancelled because the calling thread was interrupted");
            Thread.currentThread().interrupt();
            return execution.result.join();
        }
    }

    private static boolean onCallerThread(CallExecution execution) {
        return execution.callerMayRun && !execution.isCompleted() && execution.settings().timeout() == null;
    }

    private void runOnCallerThread(CallExecution execution) {
        running.add(execution);
        execution.run(true);
    }

    private CallExecution outerCall() {
        CallExecution current = CallExecution.CURRENT.get();
        return current != null && current.executor == this ? current : null;
    }

    private static ToolOutcome await(CallExecution execution) throws InterruptedException {
        try {
            return execution.result.get();
        } catch (ExecutionException e) {
            // Outcomes are only ever completed normally, so this is a bug in this class.
            throw new IllegalStateException("Tool call " + execution.call.id() + " failed outside its outcome", e);
        }
    }

    // Resolves the call and admits, queues or rejects it. The call may run on the caller's thread only if
    // it is the turn's single call, has no timeout, and was admitted at once or is nested.
    private CallExecution begin(ToolCall call, String runId, String principal, CancellationToken base, boolean nested,
            boolean single) {
        CallExecution execution = new CallExecution(this, call, runId, principal, now());
        if (closed) {
            execution.finishEarly(ToolOutcome.Status.REJECTED,
                    "Tool '" + call.name() + "' was not run because the tool executor is shut down.");
            return execution;
        }
        ToolRegistry.ValidatedCall validated;
        try {
            validated = registry.validate(call.name(), call.arguments());
        } catch (ToolUnavailableException e) {
            execution.finishEarly(ToolOutcome.Status.UNAVAILABLE, e.getMessage());
            return execution;
        } catch (ToolException e) {
            execution.finishEarly(ToolOutcome.Status.FAILED, e.getMessage());
            return execution;
        }
        Tool tool = validated.tool();
        ToolSettings settings = settingsFor(tool);
        if (tool instanceof ToolLifecycle lifecycle) {
            try {
                lifecycles.requireHealthy(lifecycle, tool.name());
            } catch (ToolUnavailableException e) {
                execution.finishEarly(ToolOutcome.Status.UNAVAILABLE, e.getMessage());
                return execution;
            }
        }
        execution.prepare(tool, validated.arguments(), settings, base.child(), nested);
        if (execution.isCompleted()) {
            return execution;
        }
        if (nested) {
            execution.callerMayRun = single;
            if (!(single && settings.timeout() == null)) {
                startWorker(execution);
            }
            return execution;
        }
        AdmissionQueue.Ticket<CallExecution> ticket;
        try {
            ticket = admission.ticket(execution, settings.pool(), settings.priority().level(), settings.resources());
        } catch (IllegalArgumentException e) {
            LOG.error("Tool {} cannot run in run {} because its settings are invalid: {}", call.name(), runId, e.getMessage());
            execution.stop(ToolOutcome.Status.FAILED, "Tool '" + call.name() + "' cannot run because its settings are invalid ("
                    + e.getMessage() + "). Continue without it.");
            return execution;
        }
        execution.ticket(ticket);
        List<AdmissionQueue.Ticket<CallExecution>> admitted = new ArrayList<>();
        AdmissionQueue.Offer offer = admission.offer(ticket, admitted, depth -> emit(new ToolExecutionEvent.Queued(runId,
                call.id(), call.name(), settings.pool(), now(), settings.priority(), depth)));
        switch (offer) {
            case REJECTED -> execution.stop(ToolOutcome.Status.REJECTED, "Tool '" + call.name()
                    + "' was not run because the tool queue is full (" + admission.queued() + " calls waiting). Wait for"
                    + " the results of your earlier calls, then call it again.");
            case ADMITTED -> execution.callerMayRun = single && settings.timeout() == null;
            case QUEUED -> {
            }
        }
        for (AdmissionQueue.Ticket<CallExecution> next : admitted) {
            if (!(next == ticket && execution.callerMayRun)) {
                startWorker(next.owner());
            }
        }
        return execution;
    }

    private void startWorker(CallExecution execution) {
        Thread worker = workerFactory.newThread(() -> {
            try {
                execution.run(false);
            } finally {
                workers.remove(Thread.currentThread());
            }
        });
        workers.add(worker);
        running.add(execution);
        worker.start();
    }

    /** Removes a queued call that was stopped, and starts the calls its departure lets run. */
    void withdraw(CallExecution execution) {
        List<AdmissionQueue.Ticket<CallExecution>> admitted = new ArrayList<>();
        admission.withdraw(execution.ticket(), admitted);
        admitted.forEach(next -> startWorker(next.owner()));
    }

    /** Releases the admission of a call whose handler returned, or that was admitted but never ran. */
    void handlerReturned(CallExecution execution, Duration ran) {
        running.remove(execution);
        if (execution.ticket() != null) {
            admission.release(execution.ticket()).forEach(next -> startWorker(next.owner()));
        }
        emit(new ToolExecutionEvent.Released(execution.runId, execution.call.id(), execution.call.name(), execution.pool(),
                now(), ran));
    }

    void emit(ToolExecutionEvent event) {
        for (ToolExecutionListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.error("A tool execution listener failed on {}", event.getClass().getSimpleName(), e);
            }
        }
    }

    Instant now() {
        return clock.instant();
    }

    ToolScheduler scheduler() {
        return scheduler;
    }

    boolean isClosed() {
        return closed;
    }

    private void validate(ToolSettings settings) {
        if (!admission.poolNames().contains(settings.pool())) {
            throw new IllegalArgumentException("Settings name pool '" + settings.pool() + "', which is not defined;"
                    + " define it with pool(name, limit). Defined pools: " + admission.poolNames());
        }
        settings.resources().keySet().forEach(resource -> {
            if (!admission.resourceNames().contains(resource)) {
                throw new IllegalArgumentException("Settings name resource '" + resource + "', which is not defined;"
                        + " define it with resource(name, permits). Defined resources: " + admission.resourceNames());
            }
        });
    }

    private void onHealthChange(ToolLifecycles.HealthChange change) {
        for (Tool tool : registry.tools()) {
            if (tool != change.lifecycle() || settingsFor(tool).whenUnhealthy() != ToolSettings.Degradation.WITHDRAW) {
                continue;
            }
            if (change.health().healthy()) {
                registry.restore(tool.name());
            } else {
                registry.withdraw(tool.name(), change.health().detail());
            }
        }
    }

    private void scheduleHealthCheck() {
        healthTimer = scheduler.schedule(healthCheckInterval, () -> Thread.ofVirtual().name("agentforge-health-checks")
                .start(() -> {
                    if (closed) {
                        return;
                    }
                    try {
                        checkHealth();
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        LOG.error("The periodic tool health check failed", e);
                    }
                    synchronized (closeLock) {
                        if (!closed) {
                            scheduleHealthCheck();
                        }
                    }
                }));
    }

    /**
     * Shuts the executor down: new calls are rejected, waiting calls and running handlers are cancelled,
     * and the handlers get up to the shutdown timeout to return. Then the tools' lifecycles are closed in
     * the reverse order of initialisation. A handler that still runs after the timeout is logged and left
     * to end on its own.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            ToolScheduler.Cancellable timer = healthTimer;
            if (timer != null) {
                timer.cancel();
            }
        }
        String reason = "the tool executor shut down";
        for (AdmissionQueue.Ticket<CallExecution> ticket : admission.drain()) {
            ticket.owner().stop(ToolOutcome.Status.CANCELLED, "Tool '" + ticket.owner().call.name()
                    + "' was cancelled because " + reason);
        }
        for (CallExecution execution : List.copyOf(running)) {
            execution.stop(ToolOutcome.Status.CANCELLED, "Tool '" + execution.call.name() + "' was cancelled because " + reason);
        }
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        for (Thread worker : List.copyOf(workers)) {
            long remaining = deadline - System.nanoTime();
            try {
                if (remaining <= 0 || !worker.join(Duration.ofNanos(remaining))) {
                    LOG.warn("Tool thread {} still runs {} after shutdown began; it is left to end on its own",
                            worker.getName(), shutdownTimeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        lifecycles.close();
    }

    /** Builds a {@link ToolExecutor}. */
    public static final class Builder {
        private final ToolRegistry registry;
        private Clock clock = Clock.systemUTC();
        private ToolScheduler scheduler = ToolScheduler.system();
        private int defaultPoolLimit = DEFAULT_POOL_LIMIT;
        private final Map<String, Integer> pools = new LinkedHashMap<>();
        private final Map<String, Integer> resources = new LinkedHashMap<>();
        private final Map<String, ToolSettings> settingsByTool = new LinkedHashMap<>();
        private ToolSettings defaultSettings = ToolSettings.defaults();
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private Duration agingInterval = DEFAULT_AGING_INTERVAL;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Duration healthCheckInterval;
        private Duration healthCheckTimeout = Duration.ofSeconds(5);
        private ToolLifecycles lifecycles;

        private Builder(ToolRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** Sets the clock that times waits, runs and aging; tests pass {@code ManualTime}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Sets the scheduler of timeouts and health checks; tests pass {@code ManualTime}. */
        public Builder scheduler(ToolScheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Defines a pool that runs at most {@code limit} handlers at once; the name {@value #DEFAULT_POOL} sets the default pool's limit. */
        public Builder pool(String name, int limit) {
            Objects.requireNonNull(name, "name");
            if (limit < 1) {
                throw new IllegalArgumentException("Invalid limit " + limit + " for pool '" + name + "': use 1 or more");
            }
            if (DEFAULT_POOL.equals(name)) {
                defaultPoolLimit = limit;
            } else {
                pools.put(name, limit);
            }
            return this;
        }

        /** Defines a resource with {@code permits} permits, such as {@code resource("db", 4)} for four connections. */
        public Builder resource(String name, int permits) {
            Objects.requireNonNull(name, "name");
            if (permits < 1) {
                throw new IllegalArgumentException("Invalid permit count " + permits + " for resource '" + name + "': use 1 or more");
            }
            resources.put(name, permits);
            return this;
        }

        /** Sets the settings of the tool of this name; they take precedence over the tool's own. */
        public Builder settings(String toolName, ToolSettings settings) {
            settingsByTool.put(Objects.requireNonNull(toolName, "toolName"), Objects.requireNonNull(settings, "settings"));
            return this;
        }

        /** Sets the settings of tools that have none of their own. */
        public Builder defaultSettings(ToolSettings settings) {
            this.defaultSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Sets the maximum number of waiting calls across all pools; a call beyond it is rejected. */
        public Builder queueCapacity(int capacity) {
            if (capacity < 0) {
                throw new IllegalArgumentException("Invalid queue capacity " + capacity + ": use 0 or more, where 0 rejects every call that would wait");
            }
            this.queueCapacity = capacity;
            return this;
        }

        /** Sets the wait that raises a queued call's priority by one level. */
        public Builder agingInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("Invalid aging interval " + interval + ": use a positive duration");
            }
            this.agingInterval = interval;
            return this;
        }

        /** Sets how long {@link ToolExecutor#close()} waits for handlers to return, in real time. */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Checks the health of the initialised tools every {@code interval}, stopping each check after
         * {@code timeout}.
         */
        public Builder healthChecks(Duration interval, Duration timeout) {
            this.healthCheckInterval = Objects.requireNonNull(interval, "interval");
            this.healthCheckTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Uses prepared lifecycles, for example ones whose {@link ToolLifecycles#guard} wraps tools registered already. */
        public Builder lifecycles(ToolLifecycles lifecycles) {
            this.lifecycles = Objects.requireNonNull(lifecycles, "lifecycles");
            return this;
        }

        /**
         * Builds the executor.
         *
         * @throws IllegalArgumentException if registered settings name a pool or resource that is not defined
         */
        public ToolExecutor build() {
            return new ToolExecutor(this);
        }
    }
}
