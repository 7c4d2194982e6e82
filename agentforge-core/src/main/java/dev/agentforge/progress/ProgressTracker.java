package dev.agentforge.progress;

import dev.agentforge.agent.AgentRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks how far a piece of work has come: units done out of a total that may be unknown at first and
 * may be revised upward, a percentage, and an estimated time left. Each change is reported to a
 * {@link ProgressListener}, such as a run's {@code progress} events through {@link Builder#reportTo}.
 *
 * <p>The work ends exactly once, by {@link #complete} or {@link #cancel}: whichever comes first wins, the
 * other returns false, and no report follows the end. Every method is thread-safe, and the listener is
 * called under the tracker's lock, so a report never overtakes the end.
 *
 * <p>Invalid updates throw {@link IllegalArgumentException}: negative units, a current value that goes
 * down, a current value above the total, and a total revised downward or below the current value.
 * Updates after the end are ignored and return false, because an update that loses a race with cancel
 * is expected.
 *
 * <p>The percentage is clamped to 0 to 100 and stays at most {@value #MAX_PERCENT_BEFORE_COMPLETION}
 * until {@link #complete}, so 100 means done.
 *
 * <p>The estimated time left is the remaining units divided by a smoothed rate of work. The rate is an
 * exponentially weighted average of the rates of the intervals between updates, weighted by time with
 * the time constant {@code smoothingTime}: an interval of length {@code dt} has weight
 * {@code 1 - exp(-dt / smoothingTime)}. It is bias-corrected like the first steps of any exponential
 * average, so while the tracker is young it is the plain average rate. The interval that ends at the
 * latest update enters the average when a later update closes it, so updates at one instant, such as a
 * burst reported item by item, count as one interval; until the first interval closes, the estimate
 * uses the open one. Timing starts when the tracker is built: work resumed part-way is timed from the
 * resume point, and the units done before it count toward the percentage only.
 *
 * <p>A closed interval of length {@code dt} moves the rate by the weight above at most, so once the
 * tracker has run for about one smoothing time, bursts that are short against it move the estimate
 * little; {@code ProgressTrackerTest} checks that bursts every 20 to 40 s keep successive estimates
 * within a factor of 1.5 with the default of 2 minutes. The first bursts, before that, can move it more.
 */
public final class ProgressTracker {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressTracker.class);

    /** The highest percentage before {@link #complete}. */
    public static final double MAX_PERCENT_BEFORE_COMPLETION = 99.9;

    /** The time constant of the rate average when none is set. */
    public static final Duration DEFAULT_SMOOTHING_TIME = Duration.ofMinutes(2);

    /** The stage of tracked work: running, or ended by completion or cancel. */
    public enum State {
        RUNNING,
        COMPLETED,
        CANCELLED
    }

    /** Receives each change of a tracker. */
    @FunctionalInterface
    public interface ProgressListener {
        /**
         * Receives a change, under the tracker's lock; it must not call back into the tracker.
         *
         * @param message the caller's message for this change, or null
         * @return false if the report could not be delivered because its target has ended, such as a
         *     finished run; the update then returns false
         */
        boolean onProgress(ProgressSnapshot snapshot, String message);
    }

    private final Clock clock;
    private final ProgressListener listener;
    private final double smoothingMillis;
    private final long startMillis;
    private long current;
    private Long total;
    private State state = State.RUNNING;
    private Instant changedAt;
    // The smoothed rate of the closed intervals before bias correction, in units per millisecond, the
    // end of the last closed interval, and the open interval that runs from there to the latest update.
    private double rawRate;
    private long closedEndMillis;
    private long openEndMillis;
    private long openUnits;

    private ProgressTracker(Builder builder) {
        this.clock = builder.clock;
        this.listener = builder.listener;
        this.smoothingMillis = builder.smoothingTime.toMillis();
        this.current = builder.resumeFrom;
        this.total = builder.total;
        this.changedAt = clock.instant();
        this.startMillis = changedAt.toEpochMilli();
        this.closedEndMillis = startMillis;
        this.openEndMillis = startMillis;
    }

    /** Starts a tracker that reads time from the clock; tests pass a clock they move. */
    public static Builder builder(Clock clock) {
        return new Builder(clock);
    }

    /** Adds units of work done; the same as {@code update(current + units, message)}. */
    public synchronized boolean advance(long units, String message) {
        if (units < 0) {
            throw new IllegalArgumentException("Invalid units " + units + ": progress advances by 0 or more units");
        }
        return update(Math.addExact(current, units), message);
    }

    /** Adds units of work done, with no message. */
    public boolean advance(long units) {
        return advance(units, null);
    }

    /**
     * Sets the units of work done and reports the change.
     *
     * @return true if the change was applied and reported, false if the work has ended or the listener's
     *     target has
     * @throws IllegalArgumentException if {@code done} is negative, below the current value, or above a
     *     known total
     */
    public synchronized boolean update(long done, String message) {
        if (done < 0) {
            throw new IllegalArgumentException("Invalid progress " + done + ": use 0 or more units");
        }
        if (state != State.RUNNING) {
            LOG.debug("Progress update to {} ignored: the work is {}", done, state);
            return false;
        }
        if (done < current) {
            throw new IllegalArgumentException("Invalid progress " + done + ": it is below the current " + current
                    + ", and progress never goes back; start a new tracker for new work");
        }
        if (total != null && done > total) {
            throw new IllegalArgumentException("Invalid progress " + done + ": it is above the total " + total
                    + "; call reviseTotal first if the work grew");
        }
        long now = clock.millis();
        recordRate(done - current, now);
        current = done;
        changedAt = Instant.ofEpochMilli(now);
        return listener.onProgress(snapshot(), message);
    }

    /** Sets the units of work done, with no message. */
    public boolean update(long done) {
        return update(done, null);
    }

    /**
     * Sets or raises the total and reports the change.
     *
     * @return true if the change was applied and reported, false if the work has ended
     * @throws IllegalArgumentException if the total is below the current value or below the previous total
     */
    public synchronized boolean reviseTotal(long newTotal, String message) {
        if (state != State.RUNNING) {
            LOG.debug("Total revision to {} ignored: the work is {}", newTotal, state);
            return false;
        }
        if (newTotal < current) {
            throw new IllegalArgumentException("Invalid total " + newTotal + ": it is below the " + current
                    + " units already done");
        }
        if (total != null && newTotal < total) {
            throw new IllegalArgumentException("Invalid total " + newTotal + ": a total may only be revised upward, and it is "
                    + total);
        }
        total = newTotal;
        changedAt = clock.instant();
        return listener.onProgress(snapshot(), message);
    }

    /**
     * Ends the work as done, unless it has ended already: the current value becomes the total (or the total
     * the current value, if unknown), the percentage 100, and one last report is sent.
     *
     * @return true if this call ended the work
     */
    public synchronized boolean complete(String message) {
        if (state != State.RUNNING) {
            return false;
        }
        state = State.COMPLETED;
        if (total == null) {
            total = current;
        }
        current = total;
        changedAt = clock.instant();
        listener.onProgress(snapshot(), message);
        return true;
    }

    /** Ends the work as done, with no message. */
    public boolean complete() {
        return complete(null);
    }

    /**
     * Ends the work as cancelled, unless it has ended already. Sends no report: the cancelled run or
     * caller reports the cancel itself.
     *
     * @return true if this call ended the work
     */
    public synchronized boolean cancel(String reason) {
        if (state != State.RUNNING) {
            return false;
        }
        state = State.CANCELLED;
        changedAt = clock.instant();
        LOG.debug("Progress tracking cancelled at {} of {}: {}", current, total, reason);
        return true;
    }

    /** Returns the stage of the work. */
    public synchronized State state() {
        return state;
    }

    /** Returns the current state: units, total, percentage, estimated time left and rate. */
    public synchronized ProgressSnapshot snapshot() {
        Double percent = null;
        if (state == State.COMPLETED) {
            percent = 100.0;
        } else if (total != null) {
            double raw = total == 0 ? 0 : 100.0 * current / total;
            percent = Math.max(0, Math.min(MAX_PERCENT_BEFORE_COMPLETION, raw));
        }
        double perMilli = rate();
        Duration eta = null;
        if (state == State.RUNNING && total != null && perMilli > 0) {
            eta = Duration.ofMillis(Math.round((total - current) / perMilli));
        }
        return new ProgressSnapshot(current, total, percent, eta, perMilli * 1000, state, changedAt);
    }

    // Adds units done now to the open interval. An update at a later instant first closes the open
    // interval and folds it into the average, so a burst of updates at one instant counts as one.
    private void recordRate(long units, long now) {
        if (now > openEndMillis) {
            if (openEndMillis > closedEndMillis) {
                long length = openEndMillis - closedEndMillis;
                double decay = Math.exp(-length / smoothingMillis);
                rawRate = decay * rawRate + (1 - decay) * openUnits / length;
                closedEndMillis = openEndMillis;
            }
            openEndMillis = now;
            openUnits = units;
        } else if (openEndMillis > closedEndMillis) {
            openUnits += units;
        }
        // Units reported at the instant the tracker started took no measurable time and count toward the
        // percentage only.
    }

    // The rate in units per millisecond: the bias-corrected average of the closed intervals, whose
    // weights sum to 1 - exp(-elapsed / smoothingTime), or the open interval's rate while none is closed.
    private double rate() {
        long elapsed = closedEndMillis - startMillis;
        if (elapsed > 0) {
            return rawRate / (1 - Math.exp(-elapsed / smoothingMillis));
        }
        long open = openEndMillis - closedEndMillis;
        return open > 0 ? (double) openUnits / open : 0;
    }

    /** Builds a {@link ProgressTracker}. */
    public static final class Builder {
        private final Clock clock;
        private Long total;
        private long resumeFrom;
        private Duration smoothingTime = DEFAULT_SMOOTHING_TIME;
        private ProgressListener listener = (snapshot, message) -> true;
        private AgentRun run;

        private Builder(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        /** Sets the total units of work; leave it unset while unknown. */
        public Builder total(long total) {
            if (total < 0) {
                throw new IllegalArgumentException("Invalid total " + total + ": use 0 or more units");
            }
            this.total = total;
            return this;
        }

        /** Starts from units already done, such as work resumed part-way; only later units are timed. */
        public Builder resumeFrom(long done) {
            if (done < 0) {
                throw new IllegalArgumentException("Invalid resume point " + done + ": use 0 or more units");
            }
            this.resumeFrom = done;
            return this;
        }

        /** Sets the time constant of the rate average: longer is steadier, shorter follows changes faster. */
        public Builder smoothingTime(Duration time) {
            Objects.requireNonNull(time, "time");
            if (time.toMillis() < 1) {
                throw new IllegalArgumentException("Invalid smoothing time " + time + ": use 1 ms or more");
            }
            this.smoothingTime = time;
            return this;
        }

        /** Sends each change to the listener. */
        public Builder listener(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            this.run = null;
            return this;
        }

        /**
         * Sends each change to the run as a {@code progress} event, whose message is the caller's message
         * followed by {@link ProgressSnapshot#describe()}, and cancels the tracker when the run is cancelled.
         */
        public Builder reportTo(AgentRun run) {
            this.run = Objects.requireNonNull(run, "run");
            this.listener = (snapshot, message) -> run.reportProgress(snapshot.current(), snapshot.total(),
                    message == null ? snapshot.describe() : message + ": " + snapshot.describe()) != null;
            return this;
        }

        /**
         * Builds the tracker; its timing starts now.
         *
         * @throws IllegalArgumentException if the resume point is above the total
         */
        public ProgressTracker build() {
            if (total != null && resumeFrom > total) {
                throw new IllegalArgumentException("Invalid resume point " + resumeFrom + ": it is above the total " + total);
            }
            ProgressTracker tracker = new ProgressTracker(this);
            if (run != null) {
                CancellationToken cancellation = run.cancellation();
                cancellation.onCancel(() -> tracker.cancel(cancellation.reason()));
            }
            return tracker;
        }
    }
}
