package dev.agentforge.monitor.profile;

import java.time.Duration;

/**
 * The timing distribution of one step kind and name.
 *
 * <p>The percentiles come from Micrometer's HdrHistogram-based percentile estimator with two
 * significant digits, so each is within 1 % of the exact sample percentile. Count, total and max are
 * exact.
 *
 * @param kind the kind of step
 * @param name the tool, model, pool or subscriber name
 * @param count how many steps were timed
 * @param total the sum of their durations
 * @param p50 the median
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param max the longest step
 */
public record StepStats(StepKind kind, String name, long count, Duration total, Duration p50, Duration p90,
        Duration p99, Duration max) {

    /** Returns the mean duration, or zero when nothing was timed. */
    public Duration mean() {
        return count == 0 ? Duration.ZERO : total.dividedBy(count);
    }

    /** Returns the step's label in reports, such as {@code tool_call search}. */
    public String label() {
        return kind.label() + " " + name;
    }
}
