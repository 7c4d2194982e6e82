package dev.agentforge.monitor.alert;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunStatus;
import dev.agentforge.tool.ToolExecutionEvent;
import dev.agentforge.tool.ToolExecutionListener;
import dev.agentforge.tool.ToolOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Fires when the share of failed outcomes within a sliding window reaches a threshold, once the window
 * holds at least a minimum number of outcomes. Outcomes are recorded with their own timestamps, from
 * {@link #record}, from a tool executor ({@link #toolListener()}) or from runs ({@link #watch}).
 * Thread-safe.
 */
public final class ErrorRateRule implements AlertRule {

    private record Outcome(Instant at, boolean failed) {
    }

    private final String name;
    private final Severity severity;
    private final Duration window;
    private final double threshold;
    private final int minimumCount;
    private final Duration holdFor;
    private final Map<String, String> labels;
    private final String description;
    private final Deque<Outcome> outcomes = new ArrayDeque<>();

    private ErrorRateRule(Builder builder) {
        this.name = builder.name;
        this.severity = builder.severity;
        this.window = builder.window;
        this.threshold = builder.threshold;
        this.minimumCount = builder.minimumCount;
        this.holdFor = builder.holdFor;
        this.labels = Map.copyOf(builder.labels);
        this.description = builder.description != null ? builder.description : builder.name;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Severity severity() {
        return severity;
    }

    @Override
    public Duration holdFor() {
        return holdFor;
    }

    /** Records one outcome at {@code at}. */
    public void record(Instant at, boolean failed) {
        synchronized (outcomes) {
            outcomes.addLast(new Outcome(Objects.requireNonNull(at, "at"), failed));
        }
    }

    /**
     * Returns a listener that records each finished tool call: SUCCEEDED as a success, every other
     * status (failed, timed out, rejected, unavailable) as a failure, and CANCELLED not at all.
     */
    public ToolExecutionListener toolListener() {
        return event -> {
            if (event instanceof ToolExecutionEvent.Finished finished
                    && finished.status() != ToolOutcome.Status.CANCELLED) {
                record(finished.time(), finished.status() != ToolOutcome.Status.SUCCEEDED);
            }
        };
    }

    /** Records the run's outcome when it ends: completed as a success, failed as a failure, cancelled not at all. */
    public void watch(AgentRun run) {
        run.result().thenAccept(result -> {
            if (result.status() != RunStatus.CANCELLED) {
                // The run sets finishedAt before it completes its result, so it is never null here.
                record(run.finishedAt(), result.status() == RunStatus.FAILED);
            }
        });
    }

    @Override
    public List<AlertCondition> evaluate(Instant now) {
        Instant horizon = now.minus(window);
        int total = 0;
        int failed = 0;
        synchronized (outcomes) {
            while (!outcomes.isEmpty() && outcomes.peekFirst().at().isBefore(horizon)) {
                outcomes.removeFirst();
            }
            for (Outcome outcome : outcomes) {
                if (!outcome.at().isAfter(now)) {
                    total++;
                    if (outcome.failed()) {
                        failed++;
                    }
                }
            }
        }
        if (total < minimumCount || total == 0) {
            return List.of();
        }
        double rate = (double) failed / total;
        if (rate < threshold) {
            return List.of();
        }
        String summary = String.format(Locale.ROOT, "%s error rate is %.1f%% (%d of %d in %s), at or above %.1f%%",
                description, rate * 100, failed, total, window, threshold * 100);
        return List.of(AlertCondition.of(labels, summary));
    }

    /** Builds an {@link ErrorRateRule}. */
    public static final class Builder {
        private final String name;
        private Severity severity = Severity.WARNING;
        private Duration window = Duration.ofMinutes(5);
        private double threshold = 0.5;
        private int minimumCount = 10;
        private Duration holdFor = Duration.ZERO;
        private Map<String, String> labels = Map.of();
        private String description;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Sets the sliding window; 5 min by default. */
        public Builder window(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isZero() || window.isNegative()) {
                throw new IllegalArgumentException("Invalid window " + window + ": it must be positive");
            }
            this.window = window;
            return this;
        }

        /** Sets the failed share, from 0 (exclusive) to 1, at which the rule fires; 0.5 by default. */
        public Builder threshold(double threshold) {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException("Invalid threshold " + threshold + ": it must be above 0 and at most 1");
            }
            this.threshold = threshold;
            return this;
        }

        /** Sets the outcomes the window must hold before the rate counts; 10 by default. */
        public Builder minimumCount(int minimumCount) {
            if (minimumCount < 1) {
                throw new IllegalArgumentException("Invalid minimumCount " + minimumCount + ": it must be at least 1");
            }
            this.minimumCount = minimumCount;
            return this;
        }

        public Builder holdFor(Duration holdFor) {
            this.holdFor = Objects.requireNonNull(holdFor, "holdFor");
            return this;
        }

        public Builder severity(Severity severity) {
            this.severity = Objects.requireNonNull(severity, "severity");
            return this;
        }

        public Builder labels(Map<String, String> labels) {
            this.labels = Objects.requireNonNull(labels, "labels");
            return this;
        }

        /** Sets what fails, for the summary, such as "tool calls"; the rule name by default. */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public ErrorRateRule build() {
            return new ErrorRateRule(this);
        }
    }
}
