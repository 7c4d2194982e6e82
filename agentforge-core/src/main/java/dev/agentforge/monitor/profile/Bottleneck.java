package dev.agentforge.monitor.profile;

/**
 * The steps that dominate the profiled runs: the one with the largest summed time and the one with the
 * largest 99th percentile. Only steps on the run's timeline are candidates (model calls, tool calls and
 * queue wait), because stream delivery overlaps them.
 *
 * @param byTotal the step with the largest summed time, or null when nothing was timed
 * @param shareOfWallTime the summed time of {@code byTotal} divided by the summed wall time of the runs,
 *     from 0; it exceeds 1 when tool calls of one turn ran in parallel. When no run has ended, the
 *     divisor is the summed time of all candidate steps.
 * @param byTail the step with the largest 99th percentile, or null when nothing was timed
 */
public record Bottleneck(StepStats byTotal, double shareOfWallTime, StepStats byTail) {

    /** Returns one line per finding, such as "tool_call search takes 82.0% of run wall time". */
    public String describe() {
        if (byTotal == null) {
            return "No steps were timed.";
        }
        String total = String.format(java.util.Locale.ROOT,
                "Bottleneck by total time: %s takes %.1f%% of run wall time (%s over %d calls)",
                byTotal.label(), shareOfWallTime * 100, Durations.format(byTotal.total()), byTotal.count());
        String tail = String.format(java.util.Locale.ROOT, "Bottleneck by tail latency: %s has the highest p99, %s",
                byTail.label(), Durations.format(byTail.p99()));
        return total + System.lineSeparator() + tail;
    }
}
