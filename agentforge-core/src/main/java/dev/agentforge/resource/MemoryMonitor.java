package dev.agentforge.resource;

import dev.agentforge.monitor.ReadinessContributor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the heap against two limits, each a fraction of the maximum heap. Above the soft limit the
 * monitor runs the registered cleanup handlers (trim event logs, evict caches), at most once per
 * cooldown. Above the hard limit it rejects new runs and reports the service not ready, until usage
 * falls below the hard limit again.
 *
 * <p>Checks run on a schedule and also at once when a heap memory pool crosses the soft limit: the
 * monitor sets a usage threshold on every heap pool that supports one ({@link MemoryPoolMXBean}) and
 * listens for the JVM's threshold notifications.
 */
public final class MemoryMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryMonitor.class);

    /** The soft limit when none is set: 75 % of the maximum heap. */
    public static final double DEFAULT_SOFT_LIMIT = 0.75;

    /** The hard limit when none is set: 90 % of the maximum heap. */
    public static final double DEFAULT_HARD_LIMIT = 0.90;

    /** How often the heap is checked when no interval is set. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);

    /** The shortest time between two rounds of cleanup when no cooldown is set. */
    public static final Duration DEFAULT_CLEANUP_COOLDOWN = Duration.ofSeconds(30);

    /** Where the heap is relative to the limits. */
    public enum Level {
        /** Below the soft limit. */
        NORMAL,
        /** At or above the soft limit and below the hard limit: cleanup runs. */
        SOFT_LIMIT,
        /** At or above the hard limit: new runs are rejected and the service is not ready. */
        HARD_LIMIT
    }

    /**
     * The heap at one check.
     *
     * @param usedBytes heap in use
     * @param maxBytes the maximum heap
     * @param level where usage is relative to the limits
     * @param at when the check ran
     */
    public record Snapshot(long usedBytes, long maxBytes, Level level, Instant at) {

        /** Returns the used share of the maximum heap, from 0 to 1. */
        public double usedFraction() {
            return maxBytes <= 0 ? 0 : (double) usedBytes / maxBytes;
        }
    }

    /** Frees memory when the soft limit is crossed; returns an estimate of the bytes it freed, or 0. */
    @FunctionalInterface
    public interface CleanupHandler {
        long cleanUp();
    }

    private final HeapUsage heap;
    private final double softLimit;
    private final double hardLimit;
    private final Duration checkInterval;
    private final Duration cleanupCooldown;
    private final Clock clock;
    private final Map<String, CleanupHandler> cleanupHandlers = new ConcurrentHashMap<>();
    private final List<Consumer<Snapshot>> levelListeners = new CopyOnWriteArrayList<>();
    private final Object checkLock = new Object();
    private volatile Snapshot last;
    private Instant lastCleanup;
    private ScheduledExecutorService scheduler;
    private NotificationListener thresholdListener;

    private MemoryMonitor(Builder builder) {
        this.heap = builder.heap;
        this.softLimit = builder.softLimit;
        this.hardLimit = builder.hardLimit;
        this.checkInterval = builder.checkInterval;
        this.cleanupCooldown = builder.cleanupCooldown;
        this.clock = builder.clock;
        this.last = new Snapshot(0, heap.maxBytes(), Level.NORMAL, clock.instant());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Registers a cleanup handler under a name, replacing one of the same name. */
    public void registerCleanup(String name, CleanupHandler handler) {
        cleanupHandlers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(handler, "handler"));
    }

    /** Adds a listener that receives a snapshot each time the level changes. */
    public void onLevelChange(Consumer<Snapshot> listener) {
        levelListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Reads the heap, updates the level, and runs the cleanup handlers when usage is at or above the soft
     * limit and the cooldown has passed. Returns the new snapshot.
     */
    public Snapshot check() {
        Snapshot snapshot;
        Level previous;
        boolean cleanupDue;
        synchronized (checkLock) {
            snapshot = read();
            previous = last.level();
            last = snapshot;
            cleanupDue = snapshot.level() != Level.NORMAL
                    && (lastCleanup == null || !snapshot.at().isBefore(lastCleanup.plus(cleanupCooldown)));
            if (cleanupDue) {
                lastCleanup = snapshot.at();
            }
        }
        if (snapshot.level() != previous) {
            logLevelChange(previous, snapshot);
            levelListeners.forEach(listener -> listener.accept(snapshot));
        }
        if (cleanupDue) {
            runCleanup(snapshot);
        }
        return snapshot;
    }

    /** Returns the snapshot of the last check. */
    public Snapshot lastSnapshot() {
        return last;
    }

    /**
     * Checks whether a new run may start.
     *
     * @throws MemoryLimitExceededException if the heap was at or above the hard limit at the last check
     */
    public void admitNewRun() {
        Snapshot snapshot = last;
        if (snapshot.level() == Level.HARD_LIMIT) {
            throw new MemoryLimitExceededException(describe(snapshot) + " is at or above the hard limit of "
                    + percent(hardLimit) + "; new runs are rejected until usage falls below it. "
                    + "Retry later, or give the JVM more heap (-Xmx) or raise AGENTFORGE_MEMORY_HARD_LIMIT.");
        }
    }

    /** Returns a readiness contributor that is not ready while the heap is at or above the hard limit. */
    public ReadinessContributor readiness() {
        return () -> {
            Snapshot snapshot = last;
            if (snapshot.level() == Level.HARD_LIMIT) {
                return ReadinessContributor.Status.notReady("memory",
                        describe(snapshot) + " is at or above the hard limit of " + percent(hardLimit));
            }
            return ReadinessContributor.Status.ready("memory");
        };
    }

    /**
     * Starts checking on a schedule and on heap pool threshold notifications. Call {@link #close()} to
     * stop.
     */
    public synchronized MemoryMonitor start() {
        if (scheduler != null) {
            return this;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("agentforge-memory").daemon().factory());
        scheduler.scheduleWithFixedDelay(this::checkSafely, 0, checkInterval.toMillis(), TimeUnit.MILLISECONDS);
        installThresholds();
        return this;
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        if (thresholdListener != null) {
            try {
                ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).removeNotificationListener(thresholdListener);
            } catch (ListenerNotFoundException e) {
                LOG.debug("The heap threshold listener was already removed", e);
            }
            thresholdListener = null;
        }
    }

    private void checkSafely() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.error("Memory check failed", e);
        }
    }

    // A pool's threshold is in bytes of that pool, so each heap pool gets the soft limit of its own maximum.
    private void installThresholds() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP || !pool.isUsageThresholdSupported()) {
                continue;
            }
            long max = pool.getUsage().getMax();
            if (max > 0) {
                pool.setUsageThreshold((long) (max * softLimit));
                if (pool.isCollectionUsageThresholdSupported()) {
                    pool.setCollectionUsageThreshold((long) (max * softLimit));
                }
            }
        }
        thresholdListener = (notification, handback) -> {
            String type = notification.getType();
            if (MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(type)
                    || MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(type)) {
                ScheduledExecutorService current = scheduler;
                if (current != null) {
                    current.execute(this::checkSafely);
                }
            }
        };
        ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).addNotificationListener(thresholdListener, null, null);
    }

    private Snapshot read() {
        long max = heap.maxBytes();
        long used = heap.usedBytes();
        double fraction = max <= 0 ? 0 : (double) used / max;
        Level level = fraction >= hardLimit ? Level.HARD_LIMIT : fraction >= softLimit ? Level.SOFT_LIMIT : Level.NORMAL;
        return new Snapshot(used, max, level, clock.instant());
    }

    private void runCleanup(Snapshot snapshot) {
        long freed = 0;
        for (Map.Entry<String, CleanupHandler> entry : cleanupHandlers.entrySet()) {
            try {
                freed += Math.max(0, entry.getValue().cleanUp());
            } catch (RuntimeException e) {
                LOG.error("Memory cleanup handler {} failed", entry.getKey(), e);
            }
        }
        LOG.info("{} is at or above the soft limit of {}: ran {} cleanup handlers, which freed about {} bytes",
                describe(snapshot), percent(softLimit), cleanupHandlers.size(), freed);
    }

    private void logLevelChange(Level previous, Snapshot snapshot) {
        switch (snapshot.level()) {
            case HARD_LIMIT -> LOG.warn("{} reached the hard limit of {}: rejecting new runs and reporting not ready",
                    describe(snapshot), percent(hardLimit));
            case SOFT_LIMIT -> LOG.warn("{} reached the soft limit of {} (was {}): running cleanup handlers",
                    describe(snapshot), percent(softLimit), previous);
            case NORMAL -> LOG.info("{} is below the soft limit of {} again (was {})",
                    describe(snapshot), percent(softLimit), previous);
        }
    }

    private static String describe(Snapshot snapshot) {
        return String.format("Heap usage %d MiB of %d MiB (%s)", snapshot.usedBytes() >> 20, snapshot.maxBytes() >> 20,
                percent(snapshot.usedFraction()));
    }

    private static String percent(double fraction) {
        return String.format("%.0f %%", fraction * 100);
    }

    /** Builds a {@link MemoryMonitor}. */
    public static final class Builder {
        private HeapUsage heap = HeapUsage.jvm();
        private double softLimit = DEFAULT_SOFT_LIMIT;
        private double hardLimit = DEFAULT_HARD_LIMIT;
        private Duration checkInterval = DEFAULT_CHECK_INTERVAL;
        private Duration cleanupCooldown = DEFAULT_CLEANUP_COOLDOWN;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Sets where heap numbers come from; tests pass their own. */
        public Builder heap(HeapUsage heap) {
            this.heap = Objects.requireNonNull(heap, "heap");
            return this;
        }

        /** Sets the soft limit as a fraction of the maximum heap, greater than 0 and at most 1. */
        public Builder softLimit(double fraction) {
            this.softLimit = fraction(fraction, "softLimit");
            return this;
        }

        /** Sets the hard limit as a fraction of the maximum heap, greater than 0 and at most 1. */
        public Builder hardLimit(double fraction) {
            this.hardLimit = fraction(fraction, "hardLimit");
            return this;
        }

        public Builder checkInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("checkInterval must be positive, got " + interval);
            }
            this.checkInterval = interval;
            return this;
        }

        public Builder cleanupCooldown(Duration cooldown) {
            if (cooldown.isNegative()) {
                throw new IllegalArgumentException("cleanupCooldown must not be negative, got " + cooldown);
            }
            this.cleanupCooldown = cooldown;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public MemoryMonitor build() {
            if (softLimit > hardLimit) {
                throw new IllegalArgumentException("The soft memory limit (" + softLimit
                        + ") must not be above the hard limit (" + hardLimit + ")");
            }
            return new MemoryMonitor(this);
        }

        private static double fraction(double value, String name) {
            if (!(value > 0 && value <= 1)) {
                throw new IllegalArgumentException(name + " must be a fraction of the maximum heap, greater than 0 "
                        + "and at most 1 (0.9 means 90 %), got " + value);
            }
            return value;
        }
    }
}
