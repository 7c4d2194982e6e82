package dev.agentforge.tool;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action after a delay: the timeouts of tool calls and the periodic health checks. Tests pass
 * {@code dev.agentforge.tool.testing.ManualTime}, whose time moves only when the test advances it.
 */
@FunctionalInterface
public interface ToolScheduler {

    /**
     * Schedules {@code action} to run once after {@code delay}.
     *
     * @return a handle that cancels the action if it has not run yet
     */
    Cancellable schedule(Duration delay, Runnable action);

    /** A scheduled action that may still be cancelled. */
    @FunctionalInterface
    interface Cancellable {

        /** Cancels the action; does nothing if it already ran or was cancelled. */
        void cancel();
    }

    /**
     * Returns the scheduler on the system clock. Its single daemon timer thread only hands each action to
     * a new virtual thread, so a slow action delays no other timeout.
     */
    static ToolScheduler system() {
        return SystemScheduler.INSTANCE;
    }

    /** The scheduler behind {@link #system()}. */
    final class SystemScheduler implements ToolScheduler {
        private static final SystemScheduler INSTANCE = new SystemScheduler();

        private final ScheduledExecutorService timer;

        private SystemScheduler() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().daemon().name("agentforge-tool-timer").factory());
            executor.setRemoveOnCancelPolicy(true);
            this.timer = Executors.unconfigurableScheduledExecutorService(executor);
        }

        @Override
        public Cancellable schedule(Duration delay, Runnable action) {
            ScheduledFuture<?> future = timer.schedule(() -> Thread.ofVirtual().name("agentforge-tool-timeout").start(action),
                    Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        }
    }
}
