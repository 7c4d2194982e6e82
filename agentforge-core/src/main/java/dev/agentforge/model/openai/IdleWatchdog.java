package dev.agentforge.model.openai;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action once when no activity was recorded for a given time. The JDK HTTP client has
 * no read timeout for a streamed body, so this closes a stream whose server stopped sending.
 *
 * <p>Deadlines are measured with the given clock, and checks are scheduled with the given
 * scheduler, so tests can drive both.
 */
final class IdleWatchdog {

    /** Schedules a task to run once after a delay. */
    @FunctionalInterface
    interface Scheduler {
        void schedule(Runnable task, Duration delay);
    }

    /** Runs tasks on the common pool after a delay. */
    static final Scheduler DEFAULT_SCHEDULER = (task, delay) -> CompletableFuture.runAsync(task,
            CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS));

    private final Duration timeout;
    private final InstantSource clock;
    private final Scheduler scheduler;
    private final Runnable onTimeout;

    private volatile Instant lastActivity;
    private volatile boolean stopped;
    private boolean fired;

    IdleWatchdog(Duration timeout, InstantSource clock, Scheduler scheduler, Runnable onTimeout) {
        this.timeout = timeout;
        this.clock = clock;
        this.scheduler = scheduler;
        this.onTimeout = onTimeout;
    }

    /** Records activity now and schedules the first check. */
    void start() {
        lastActivity = clock.instant();
        scheduler.schedule(this::check, timeout);
    }

    /** Records activity now, which moves the deadline. */
    void touch() {
        lastActivity = clock.instant();
    }

    /** Stops the watchdog. The action does not run after this returns. */
    synchronized void stop() {
        stopped = true;
    }

    /**
     * Runs the action if the deadline has passed, or schedules the next check for the deadline.
     * Returns whether the action ran.
     */
    boolean check() {
        Duration remaining;
        synchronized (this) {
            if (stopped || fired) {
                return false;
            }
            remaining = Duration.between(clock.instant(), lastActivity.plus(timeout));
            if (remaining.isZero() || remaining.isNegative()) {
                // Runs under the lock, so that stop() waits for a running action to finish.
                fired = true;
                onTimeout.run();
                return true;
            }
        }
        scheduler.schedule(this::check, remaining);
        return false;
    }
}
