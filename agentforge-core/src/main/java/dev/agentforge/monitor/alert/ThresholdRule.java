package dev.agentforge.monitor.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Fires when a value stays above (or below) a threshold for a duration. The value may be a Micrometer
 * gauge, such as {@code () -> registry.get("agentforge.tool.queue.depth").tag("pool", "default").gauge().value()}.
 * A NaN reading counts as not crossing.
 */
public final class ThresholdRule implements AlertRule {

    private final String name;
    private final Severity severity;
    private final DoubleSupplier value;
    private final double threshold;
    private final boolean above;
    private final Duration holdFor;
    private final Map<String, String> labels;
    private final String description;

    private ThresholdRule(Builder builder) {
        this.name = builder.name;
        this.severity = builder.severity;
        this.value = builder.value;
        this.threshold = builder.threshold;
        this.above = builder.above;
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

    @Override
    public List<AlertCondition> evaluate(Instant now) {
        double reading = value.getAsDouble();
        boolean crossed = !Double.isNaN(reading) && (above ? reading > threshold : reading < threshold);
        if (!crossed) {
            return List.of();
        }
        String summary = String.format(Locale.ROOT, "%s is %s, %s the threshold %s", description, number(reading),
                above ? "above" : "below", number(threshold));
        return List.of(AlertCondition.of(labels, summary));
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? String.valueOf((long) value)
                : String.format(Locale.ROOT, "%.4g", value);
    }

    /** Builds a {@link ThresholdRule}; a value and a threshold are required. */
    public static final class Builder {
        private final String name;
        private Severity severity = Severity.WARNING;
        private DoubleSupplier value;
        private Double threshold;
        private boolean above = true;
        private Duration holdFor = Duration.ZERO;
        private Map<String, String> labels = Map.of();
        private String description;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Sets where the value is read on each evaluation. */
        public Builder value(DoubleSupplier value) {
            this.value = Objects.requireNonNull(value, "value");
            return this;
        }

        /** Fires while the value is greater than {@code threshold}. */
        public Builder above(double threshold) {
            this.threshold = threshold;
            this.above = true;
            return this;
        }

        /** Fires while the value is less than {@code threshold}. */
        public Builder below(double threshold) {
            this.threshold = threshold;
            this.above = false;
            return this;
        }

        /** Sets how long the value must stay across the threshold before the alert fires. */
        public Builder holdFor(Duration holdFor) {
            Objects.requireNonNull(holdFor, "holdFor");
            if (holdFor.isNegative()) {
                throw new IllegalArgumentException("Invalid holdFor " + holdFor + ": it must not be negative");
            }
            this.holdFor = holdFor;
            return this;
        }

        public Builder severity(Severity severity) {
            this.severity = Objects.requireNonNull(severity, "severity");
            return this;
        }

        /** Sets the labels of the rule's alert. */
        public Builder labels(Map<String, String> labels) {
            this.labels = Objects.requireNonNull(labels, "labels");
            return this;
        }

        /** Sets what the value is, for the summary, such as "tool queue depth"; the rule name by default. */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public ThresholdRule build() {
            if (value == null) {
                throw new IllegalStateException("Threshold rule " + name + " has no value: call value(...)");
            }
            if (threshold == null) {
                throw new IllegalStateException("Threshold rule " + name + " has no threshold: call above(...) or below(...)");
            }
            return new ThresholdRule(this);
        }
    }
}
