package dev.agentforge.resource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports resources that AgentForge hands out (pooled objects, event streams, runs) and that are held
 * longer than a threshold. Each is reported once, with the stack trace of where it was acquired, and
 * once more as "returned after N s" if it comes back later. A resource returned within the threshold
 * is never reported, so an idle service reports nothing.
 *
 * <p>Tracking costs one stack trace per acquisition, the price of saying where a leak began, so a
 * detector is meant for resources acquired at most a few thousand times a second.
 */
public final class LeakDetector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeakDetector.class);

    /** How long a resource may be held before it is reported, when no threshold is set. */
    public static final Duration DEFAULT_THRESHOLD = Duration.ofMinutes(5);

    /** Receives leak reports; the default writes them to the log. */
    public interface Reporter {

        /** Reports a resource held past the threshold; {@code acquiredAt} carries the acquiring stack trace. */
        void held(Tracked resource, Duration heldFor, Throwable acquiredAt);

        /** Reports that a resource reported as held came back. */
        void returned(Tracked resource, Duration heldFor);
    }

    private static final Reporter LOG_REPORTER = new Reporter() {
        @Override
        public void held(Tracked resource, Duration heldFor, Throwable acquiredAt) {
            LOG.warn("Possible leak: {} has been held for {} s, longer than the threshold; it was acquired here",
                    resource.description(), heldFor.toSeconds(), acquiredAt);
        }

        @Override
        public void returned(Tracked resource, Duration heldFor) {
            LOG.info("{}, reported as a possible leak, was returned after {} s", resource.description(),
                    heldFor.toSeconds());
        }
    };

    private final String name;
    private final Duration threshold;
    private final Clock clock;
    private final Reporter reporter;
    private final Set<Tracked> held = ConcurrentHashMap.newKeySet();
    private final AtomicLong reported = new AtomicLong();
    private ScheduledExecutorService scheduler;

    private LeakDetector(Builder builder) {
        this.name = builder.name;
        this.threshold = builder.threshold;
        this.clock = builder.clock;
        this.reporter = builder.reporter;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Starts tracking a resource handed out now. Call {@link Tracked#release()} when it comes back.
     *
     * @param description what the resource is, for the report, such as {@code "connection 3 of pool db"}
     */
    public Tracked track(String description) {
        Tracked tracked = new Tracked(description, clock.instant(),
                new Throwable("Acquired by thread " + Thread.currentThread().getName()));
        held.add(tracked);
        return tracked;
    }

    /**
     * Reports every resource held longer than the threshold that has not been reported yet, and returns how
     * many it reported.
     */
    public int sweep() {
        Instant now = clock.instant();
        int count = 0;
        for (Tracked tracked : held) {
            Duration heldFor = Duration.between(tracked.acquiredAt, now);
            if (heldFor.compareTo(threshold) > 0 && tracked.reported.compareAndSet(false, true)) {
                reported.incrementAndGet();
                count++;
                reportSafely(() -> reporter.held(tracked, heldFor, tracked.acquisition));
            }
        }
        return count;
    }

    /** The resources tracked now, that is handed out and not yet released. */
    public int heldCount() {
        return held.size();
    }

    /** The resources reported as held past the threshold since the detector was built. */
    public long reportedCount() {
        return reported.get();
    }

    public Duration threshold() {
        return threshold;
    }

    /** Starts sweeping on a schedule: every quarter of the threshold, at least every second. */
    public synchronized LeakDetector start() {
        if (scheduler == null) {
            long period = Math.max(1000, threshold.toMillis() / 4);
            scheduler = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("agentforge-leaks-" + name).daemon().factory());
            scheduler.scheduleWithFixedDelay(this::sweepSafely, period, period, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.error("Leak sweep of {} failed", name, e);
        }
    }

    private static void reportSafely(Runnable report) {
        try {
            report.run();
        } catch (RuntimeException e) {
            LOG.error("A leak reporter failed", e);
        }
    }

    /** A tracked resource. Releasing it twice does nothing. */
    public final class Tracked {
        private final String description;
        private final Instant acquiredAt;
        private final Throwable acquisition;
        private final AtomicBoolean reported = new AtomicBoolean();
        private final AtomicBoolean released = new AtomicBoolean();

        private Tracked(String description, Instant acquiredAt, Throwable acquisition) {
            this.description = description;
            this.acquiredAt = acquiredAt;
            this.acquisition = acquisition;
        }

        public String description() {
            return description;
        }

        public Instant acquiredAt() {
            return acquiredAt;
        }

        /** Stops tracking the resource; if it was reported as held, reports that it came back. */
        public void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            held.remove(this);
            if (reported.get()) {
                Duration heldFor = Duration.between(acquiredAt, clock.instant());
                reportSafely(() -> reporter.returned(this, heldFor));
            }
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** Builds a {@link LeakDetector}. */
    public static final class Builder {
        private final String name;
        private Duration threshold = DEFAULT_THRESHOLD;
        private Clock clock = Clock.systemUTC();
        private Reporter reporter = LOG_REPORTER;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Sets how long a resource may be held before it is reported; more than zero. */
        public Builder threshold(Duration threshold) {
            if (threshold.isNegative() || threshold.isZero()) {
                throw new IllegalArgumentException("The leak threshold must be positive, got " + threshold);
            }
            this.threshold = threshold;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder reporter(Reporter reporter) {
            this.reporter = Objects.requireNonNull(reporter, "reporter");
            return this;
        }

        public LeakDetector build() {
            return new LeakDetector(this);
        }
    }
}
