package dev.agentforge.agent;

import dev.agentforge.resource.LeakDetector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs of a service, by id. Finished runs stay readable for a retention time, then are evicted
 * with their event logs. The number of runs working at once is limited.
 */
public final class RunRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(RunRegistry.class);

    /** How long a finished run stays readable when no retention is set. */
    public static final Duration DEFAULT_RETENTION = Duration.ofMinutes(15);

    /** How many runs may work at once when no limit is set. */
    public static final int DEFAULT_MAX_ACTIVE_RUNS = 1000;

    private final Map<String, AgentRun> runs = new ConcurrentHashMap<>();
    private final List<Consumer<RunRequest>> admissionChecks = new CopyOnWriteArrayList<>();
    private final List<Consumer<AgentRun>> startListeners = new CopyOnWriteArrayList<>();
    private volatile LeakDetector leaks;
    private final Duration retention;
    private final int maxActiveRuns;
    private final Clock clock;

    public RunRegistry() {
        this(DEFAULT_RETENTION, DEFAULT_MAX_ACTIVE_RUNS, Clock.systemUTC());
    }

    public RunRegistry(Duration retention, int maxActiveRuns, Clock clock) {
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention must not be negative, got " + retention);
        }
        if (maxActiveRuns < 1) {
            throw new IllegalArgumentException("maxActiveRuns must be at least 1, got " + maxActiveRuns);
        }
        this.retention = retention;
        this.maxActiveRuns = maxActiveRuns;
        this.clock = clock;
    }

    /** Tracks each run from its start to its end with this detector, which reports runs working too long. */
    public void trackLeaks(LeakDetector detector) {
        this.leaks = detector;
    }

    /**
     * Adds a check that runs before each run starts and rejects the run by throwing, such as the hard
     * memory limit of {@code MemoryMonitor.admitNewRun()}.
     */
    public void addAdmissionCheck(Consumer<RunRequest> check) {
        admissionChecks.add(check);
    }

    /**
     * Adds a listener that receives each run right after it starts, such as metrics or a tracer that
     * subscribes to {@link AgentRun#events()}. It runs on the starting thread and must return quickly;
     * an exception it throws is logged and does not affect the run.
     */
    public void addStartListener(Consumer<AgentRun> listener) {
        startListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Starts a run of the agent and registers it.
     *
     * @throws TooManyRunsException if {@code maxActiveRuns} runs are already working
     * @throws RuntimeException whatever an admission check throws to reject the run
     */
    public synchronized AgentRun start(Agent agent, RunRequest request) {
        evictExpired();
        for (Consumer<RunRequest> check : admissionChecks) {
            check.accept(request);
        }
        long active = activeCount();
        if (active >= maxActiveRuns) {
            throw new TooManyRunsException(active, maxActiveRuns);
        }
        AgentRun run = agent.start(request);
        runs.put(run.id(), run);
        LeakDetector detector = leaks;
        if (detector != null) {
            LeakDetector.Tracked tracked = detector.track("run " + run.id());
            run.result().whenComplete((result, error) -> tracked.release());
        }
        for (Consumer<AgentRun> listener : startListeners) {
            try {
                listener.accept(run);
            } catch (RuntimeException e) {
                LOG.warn("Run start listener failed for run {}; the run goes on", run.id(), e);
            }
        }
        return run;
    }

    /** The number of runs that may work at once; {@link #start} rejects more. */
    public int maxActiveRuns() {
        return maxActiveRuns;
    }

    /** Returns the run with this id, unless it is unknown or was evicted. */
    public Optional<AgentRun> find(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    /** The runs currently registered, working or finished. */
    public Collection<AgentRun> runs() {
        return List.copyOf(runs.values());
    }

    /** The number of runs still working. */
    public long activeCount() {
        return runs.values().stream().filter(run -> !run.status().finished()).count();
    }

    /** Removes finished runs whose retention time has passed; returns how many were removed. */
    public int evictExpired() {
        Instant cutoff = clock.instant().minus(retention);
        int before = runs.size();
        runs.values().removeIf(run -> run.finishedAt() != null && run.finishedAt().isBefore(cutoff));
        return before - runs.size();
    }

    /**
     * Removes every finished run, retained or not, to free memory under pressure. Returns an estimate of
     * the bytes their event logs retained.
     */
    public long evictFinished() {
        long freed = 0;
        for (AgentRun run : runs.values()) {
            if (run.status().finished() && runs.remove(run.id(), run)) {
                freed += run.retainedBytes();
            }
        }
        return freed;
    }

    /** Returns an estimate of the heap that the registered runs retain, in bytes. */
    public long retainedBytes() {
        return runs.values().stream().mapToLong(AgentRun::retainedBytes).sum();
    }

    /** Cancels every run still working, with the given reason. */
    public void cancelAll(String reason) {
        runs.values().forEach(run -> run.cancel(reason));
    }

    /** The number of runs working at once has reached its limit. */
    public static final class TooManyRunsException extends RuntimeException {
        public TooManyRunsException(long active, int limit) {
            super(active + " runs are working, which is the limit of " + limit
                    + "; retry later or raise the limit of active runs");
        }
    }
}
