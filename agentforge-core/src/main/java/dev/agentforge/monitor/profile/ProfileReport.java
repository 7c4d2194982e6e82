package dev.agentforge.monitor.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of an {@link AgentProfiler}: step statistics, run wall time, retained memory per run and
 * the bottleneck, rendered as text, JSON or a self-contained HTML page.
 *
 * @param generatedAt when the report was built, on the profiler's clock
 * @param runs the profiles of the ended runs, oldest first, up to the profiler's limit
 * @param runCount how many runs ended since the profiler was created or reset, which may exceed
 *     {@code runs.size()}
 * @param runWallTime the distribution of run wall time; its kind is null
 * @param retainedBytesP50 the median of the bytes each run retained when it ended
 * @param retainedBytesP99 the 99th percentile of the same
 * @param retainedBytesMax the largest of the same
 * @param steps the statistics of every timed step, largest total first
 * @param bottleneck the dominating steps
 */
public record ProfileReport(Instant generatedAt, List<RunProfile> runs, long runCount, StepStats runWallTime,
        long retainedBytesP50, long retainedBytesP99, long retainedBytesMax, List<StepStats> steps,
        Bottleneck bottleneck) {

    public ProfileReport {
        runs = List.copyOf(runs);
        steps = List.copyOf(steps);
    }

    /** Returns the summed wall time of the ended runs. */
    public Duration totalWallTime() {
        return runWallTime.total();
    }

    /** Renders the report as a plain-text table for logs and terminals. */
    public String toText() {
        return ReportRenderers.text(this);
    }

    /** Renders the report as a JSON document; durations are in milliseconds with fractions. */
    public String toJson() {
        return ReportRenderers.json(this);
    }

    /** Renders the report as a standalone HTML page with inline SVG charts and no external resources. */
    public String toHtml() {
        return ReportRenderers.html(this);
    }

    /** Writes {@link #toHtml()} to a file in UTF-8, replacing it. */
    public Path writeHtml(Path file) throws IOException {
        return Files.writeString(file, toHtml(), StandardCharsets.UTF_8);
    }
}
