package dev.agentforge.tool.testing;

import dev.agentforge.tool.ToolScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;

/**
 * Time that moves only when a test calls {@link #advance}: a {@link Clock}, a {@link ToolScheduler} for
 * timeouts and health checks, and a sleeper for simulated latency and retry backoff
 * ({@code RetryPolicy.builder(...).sleeper(time::sleep)}). Thread-safe.
 *
 * <p>{@link #advance} moves the clock to each due entry in turn: it runs a scheduled action on the
 * advancing thread and wakes a sleeping thread, which then goes on by itself. A test that needs the woken
 * thread's next step waits for it, for example with {@link #awaitSleepers}.
 */
public final class ManualTime extends Clock implements ToolScheduler {

    /** The start time of {@link #ManualTime()}. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    /** The real time {@link #awaitSleepers} waits before it fails. */
    public static final Duration AWAIT_LIMIT = Duration.ofSeconds(10);

    private final Object lock = new Object();
    private final PriorityQueue<Entry> entries = new PriorityQueue<>();
    private final ZoneId zone;
    private Instant now;
    private long nextSequence;
    private int sleepers;

    private static final class Entry implements Comparable<Entry> {
        final Instant due;
        final long sequence;
        final Runnable action;
        final CountDownLatch wake;
        boolean cancelled;

        Entry(Instant due, long sequence, Runnable action, CountDownLatch wake) {
            this.due = due;
            this.sequence = sequence;
            this.action = action;
            this.wake = wake;
        }

        @Override
        public int compareTo(Entry other) {
            int byTime = due.compareTo(other.due);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    /** Creates time starting at {@link #DEFAULT_START}, in UTC. */
    public ManualTime() {
        this(DEFAULT_START, ZoneOffset.UTC);
    }

    /** Creates time starting at {@code start}, in UTC. */
    public ManualTime(Instant start) {
        this(start, ZoneOffset.UTC);
    }

    private ManualTime(Instant start, ZoneId zone) {
        this.now = Objects.requireNonNull(start, "start");
        this.zone = zone;
    }

    @Override
    public Instant instant() {
        synchronized (lock) {
            return now;
        }
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** Returns this time itself: its zone is fixed at UTC, and every view must share one timeline. */
    @Override
    public Clock withZone(ZoneId requested) {
        return this;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable action) {
        Objects.requireNonNull(action, "action");
        Entry entry;
        synchronized (lock) {
            entry = new Entry(now.plus(delay), nextSequence++, action, null);
            entries.add(entry);
        }
        return () -> {
            synchronized (lock) {
                entry.cancelled = true;
                entries.remove(entry);
            }
        };
    }

    /**
     * Blocks the calling thread until the time has been advanced by {@code duration}.
     *
     * @throws InterruptedException if the thread is interrupted first
     */
    public void sleep(Duration duration) throws InterruptedException {
        CountDownLatch wake = new CountDownLatch(1);
        Entry entry;
        synchronized (lock) {
            if (duration.isNegative() || duration.isZero()) {
                return;
            }
            entry = new Entry(now.plus(duration), nextSequence++, null, wake);
            entries.add(entry);
            sleepers++;
            lock.notifyAll();
        }
        try {
            wake.await();
        } finally {
            synchronized (lock) {
                entries.remove(entry);
                sleepers--;
            }
        }
    }

    /** Moves the time forward, running each action and waking each sleeper that falls due, in time order. */
    public void advance(Duration duration) {
        Instant target;
        synchronized (lock) {
            target = now.plus(duration);
        }
        while (true) {
            Entry next;
            synchronized (lock) {
                next = entries.peek();
                if (next == null || next.due.isAfter(target)) {
                    now = target;
                    return;
                }
                entries.poll();
                if (next.due.isAfter(now)) {
                    now = next.due;
                }
            }
            if (next.wake != null) {
                next.wake.countDown();
            } else if (!next.cancelled) {
                next.action.run();
            }
        }
    }

    /** The threads sleeping in {@link #sleep} now. */
    public int sleepers() {
        synchronized (lock) {
            return sleepers;
        }
    }

    /** The scheduled actions that have not run or been cancelled. */
    public int pendingActions() {
        synchronized (lock) {
            return (int) entries.stream().filter(entry -> entry.action != null).count();
        }
    }

    /**
     * Waits, in real time up to {@link #AWAIT_LIMIT}, until at least {@code count} threads sleep in
     * {@link #sleep}, so a test advances the time only once the work it is about has reached its wait.
     *
     * @throws AssertionError if fewer threads sleep after the limit
     */
    public void awaitSleepers(int count) throws InterruptedException {
        long deadline = System.nanoTime() + AWAIT_LIMIT.toNanos();
        synchronized (lock) {
            while (sleepers < count) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new AssertionError("Expected " + count + " sleeping threads within " + AWAIT_LIMIT + ", found " + sleepers);
                }
                lock.wait(Math.max(1, remaining / 1_000_000));
            }
        }
    }

    @Override
    public String toString() {
        return "ManualTime[" + instant() + "]";
    }
}
