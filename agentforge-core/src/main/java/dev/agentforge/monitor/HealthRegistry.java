package dev.agentforge.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health checks of a service, and the readiness that follows from them.
 *
 * <ul>
 *   <li><b>Parallel, with timeouts.</b> {@link #check()} starts every due check on its own virtual
 *       thread and waits for each at most its {@link HealthCheck#timeout()}, so one round takes about
 *       as long as its slowest check, and a hanging check shows as {@link HealthState#TIMEOUT}.
 *   <li><b>Cached.</b> A result is reused until it is older than the check's max age, so frequent
 *       probes do not hammer a database. Concurrent rounds share one run of each check.
 *   <li><b>One run at a time.</b> A check still running after its timeout is not started again: the
 *       next round waits on the same run, up to the timeout again, so a hanging dependency ties up one
 *       virtual thread per check. A result that arrives after the timeout is dropped.
 *   <li><b>Readiness.</b> The service is not ready until every check has passed once. After that a
 *       check makes it not ready only after {@code failureThreshold} failed runs in a row, so one slow
 *       response does not take a pod out of rotation. {@link #startDraining} makes it not ready at once.
 * </ul>
 *
 * <p>Thread-safe. Ages, last-success times and thresholds use the registry's clock, so tests can
 * move time forward without sleeping; timeouts and durations use real time.
 */
public final class HealthRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(HealthRegistry.class);

    /** How many failed runs in a row make a check not ready, when the registry sets no other number. */
    public static final int DEFAULT_FAILURE_THRESHOLD = 3;

    /** How long a result is reused, when the registry sets no other age. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(5);

    /**
     * How a registry runs one check.
     *
     * @param failureThreshold how many failed runs in a row make the check not ready once it has
     *     passed; 1 turns the service not ready on the first failure
     * @param maxAge how long a result is reused; zero runs the check on every round
     */
    public record Policy(int failureThreshold, Duration maxAge) {

        /**
         * The policy of a check of in-process state, such as the heap or a draining flag: no cache,
         * and not ready on the first failure, because such a check is cheap and does not flap.
         */
        public static final Policy LOCAL = new Policy(1, Duration.ZERO);

        public Policy {
            if (failureThreshold < 1) {
                throw new IllegalArgumentException("failureThreshold must be at least 1, got " + failureThreshold);
            }
            Objects.requireNonNull(maxAge, "maxAge");
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("maxAge must not be negative, got " + maxAge);
            }
        }
    }

    private final Map<String, Entry> entries = new ConcurrentSkipListMap<>();
    private final Clock clock;
    private final Policy defaults;
    private volatile String drainingReason;

    /** Creates a registry with {@link #DEFAULT_FAILURE_THRESHOLD}, {@link #DEFAULT_MAX_AGE} and the system clock. */
    public HealthRegistry() {
        this(new Policy(DEFAULT_FAILURE_THRESHOLD, DEFAULT_MAX_AGE), Clock.systemUTC());
    }

    /**
     * Creates a registry.
     *
     * @param defaults the policy of checks registered without one
     * @param clock the clock of cache ages, check times and last-success times
     */
    public HealthRegistry(Policy defaults, Clock clock) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Returns the policy of checks registered without one. */
    public Policy defaults() {
        return defaults;
    }

    /**
     * Registers a check under its name with the registry's default policy.
     *
     * @throws IllegalArgumentException if the name is blank or already registered
     */
    public void register(HealthCheck check) {
        register(check, defaults);
    }

    /**
     * Registers a check under its name with its own policy.
     *
     * @throws IllegalArgumentException if the name is blank or already registered
     */
    public void register(HealthCheck check, Policy policy) {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(policy, "policy");
        String name = check.name();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A health check needs a non-blank name, got '" + name + "'");
        }
        Duration timeout = Objects.requireNonNull(check.timeout(), "timeout of health check " + name);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The timeout of health check '" + name + "' must be positive, got "
                    + timeout);
        }
        Entry previous = entries.putIfAbsent(name, new Entry(check, policy, timeout));
        if (previous != null) {
            throw new IllegalArgumentException("A health check named '" + name
                    + "' is already registered; unregister it first or choose another name");
        }
    }

    /** Removes the check with this name and its history; returns whether one was registered. */
    public boolean unregister(String name) {
        return entries.remove(name) != null;
    }

    /** Returns the names of the registered checks, sorted. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /**
     * Makes the service not ready at once, whatever the checks report, for example while it drains
     * its connections before it stops. Liveness is not affected.
     */
    public void startDraining(String reason) {
        drainingReason = reason == null || reason.isBlank() ? "the service is draining" : reason;
        LOG.info("Health: the service is draining ({}); readiness reports not ready", drainingReason);
    }

    /** Ends draining, so readiness follows the checks again. */
    public void stopDraining() {
        drainingReason = null;
    }

    /**
     * Runs every check whose cached result is older than its max age, in parallel, and returns the
     * report. Returns after at most about the longest timeout of the checks it runs.
     */
    public HealthReport check() {
        Instant now = clock.instant();
        List<Entry> snapshot = List.copyOf(entries.values());
        List<Round> rounds = new ArrayList<>();
        for (Entry entry : snapshot) {
            Round round = entry.beginRound(now);
            if (round != null) {
                rounds.add(round);
            }
        }
        for (Round round : rounds) {
            if (!round.await()) {
                // Interrupted: report what is known and keep the flag for the caller.
                Thread.currentThread().interrupt();
                break;
            }
        }
        return report(now, snapshot);
    }

    /** Returns the report of the last results without running any check. */
    public HealthReport lastReport() {
        return report(clock.instant(), List.copyOf(entries.values()));
    }

    private HealthReport report(Instant now, List<Entry> snapshot) {
        List<HealthCheckStatus> statuses = new ArrayList<>(snapshot.size());
        for (Entry entry : snapshot) {
            statuses.add(entry.status());
        }
        String draining = drainingReason;
        boolean ready = draining == null && statuses.stream().allMatch(HealthCheckStatus::ready);
        HealthState status;
        if (!ready) {
            status = HealthState.DOWN;
        } else if (statuses.stream().allMatch(s -> s.state() == HealthState.UP)) {
            status = HealthState.UP;
        } else {
            status = HealthState.DEGRADED;
        }
        return new HealthReport(status, ready, draining, now, statuses);
    }

    /** One run of a check, which may outlive the round that started it. */
    private record Invocation(CompletableFuture<HealthCheck.Result> result, long startNanos) {
    }

    /** One round's wait for a check. The first of its completion and its deadline is recorded. */
    private static final class Round {
        private final Entry entry;
        private final Invocation invocation;
        private final Instant startedAt;
        private final long deadlineNanos;
        private boolean finished;

        Round(Entry entry, Invocation invocation, Instant startedAt, long deadlineNanos) {
            this.entry = entry;
            this.invocation = invocation;
            this.startedAt = startedAt;
            this.deadlineNanos = deadlineNanos;
        }

        // Returns false if the waiting thread was interrupted.
        boolean await() {
            long remaining = deadlineNanos - System.nanoTime();
            try {
                HealthCheck.Result result = invocation.result().get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
                entry.finish(this, result == null
                        ? HealthCheck.Result.down("the health check returned no status")
                        : result, false);
            } catch (TimeoutException e) {
                entry.finish(this, new HealthCheck.Result(HealthState.TIMEOUT, "the check did not finish within "
                        + describe(entry.timeout), Map.of()), true);
            } catch (ExecutionException e) {
                entry.finish(this, HealthCheck.Result.down(messageOf(e.getCause())), false);
            } catch (InterruptedException e) {
                return false;
            }
            return true;
        }
    }

    /** A registered check and what is known of it. Guarded by its own monitor. */
    private static final class Entry {
        private final HealthCheck check;
        private final Policy policy;
        private final Duration timeout;
        private Invocation running;
        private Round round;
        private HealthCheck.Result last;
        private Duration lastDuration = Duration.ZERO;
        private Instant checkedAt;
        private Instant lastSuccess;
        private boolean passedOnce;
        private int consecutiveFailures;
        private String lastLogged;

        Entry(HealthCheck check, Policy policy, Duration timeout) {
            this.check = check;
            this.policy = policy;
            this.timeout = timeout;
        }

        // Returns the round to wait for, or null when the cached result is fresh.
        synchronized Round beginRound(Instant now) {
            if (round != null && !round.finished) {
                return round;
            }
            if (checkedAt != null && now.isBefore(checkedAt.plus(policy.maxAge())) && !policy.maxAge().isZero()) {
                return null;
            }
            if (running == null || running.result().isDone()) {
                running = start();
            }
            round = new Round(this, running, now, System.nanoTime() + timeout.toNanos());
            return round;
        }

        private Invocation start() {
            CompletableFuture<HealthCheck.Result> result = new CompletableFuture<>();
            Invocation invocation = new Invocation(result, System.nanoTime());
            Thread.ofVirtual().name("agentforge-health-" + check.name()).start(() -> {
                try {
                    result.complete(check.check());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    result.complete(HealthCheck.Result.down("the health check was interrupted"));
                } catch (Exception | Error e) {
                    result.completeExceptionally(e);
                }
            });
            return invocation;
        }

        synchronized void finish(Round finishing, HealthCheck.Result result, boolean timedOut) {
            if (finishing.finished) {
                return;
            }
            finishing.finished = true;
            last = result;
            checkedAt = finishing.startedAt;
            lastDuration = timedOut ? timeout : Duration.ofNanos(System.nanoTime() - finishing.invocation.startNanos());
            if (result.state().passing()) {
                passedOnce = true;
                consecutiveFailures = 0;
                lastSuccess = finishing.startedAt;
            } else {
                consecutiveFailures++;
            }
            logChange(result);
        }

        synchronized HealthCheckStatus status() {
            HealthState state = last == null ? HealthState.DOWN : last.state();
            String message = last == null ? "the check has not run yet" : last.message();
            boolean ready = passedOnce && consecutiveFailures < policy.failureThreshold();
            return new HealthCheckStatus(check.name(), state, ready, message, last == null ? Map.of() : last.details(),
                    lastDuration, checkedAt, lastSuccess, consecutiveFailures, policy.failureThreshold(), timeout);
        }

        // Logs a change of state or message once, so a probe every few seconds does not repeat it.
        private void logChange(HealthCheck.Result result) {
            String key = result.state() + ": " + result.message();
            if (key.equals(lastLogged)) {
                return;
            }
            boolean first = lastLogged == null;
            lastLogged = key;
            if (result.state().passing()) {
                if (!first || result.state() == HealthState.DEGRADED) {
                    LOG.info("Health check '{}' is {}{}", check.name(), result.state(),
                            result.message() == null ? "" : ": " + result.message());
                }
            } else {
                LOG.warn("Health check '{}' is {} ({} failed runs in a row, threshold {}): {}", check.name(),
                        result.state(), consecutiveFailures, policy.failureThreshold(), result.message());
            }
        }
    }

    static String messageOf(Throwable error) {
        return error.getMessage() == null ? error.getClass().getName() : error.getMessage();
    }

    private static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
