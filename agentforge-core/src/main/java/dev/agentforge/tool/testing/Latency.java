package dev.agentforge.tool.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** The simulated latency of a {@link MockTool} call, drawn from the mock's seeded random source. */
@FunctionalInterface
public interface Latency {

    /** Draws the latency of one call. */
    Duration next(RandomGenerator random);

    /** No latency. */
    static Latency none() {
        return random -> Duration.ZERO;
    }

    /** The same latency for every call. */
    static Latency fixed(Duration latency) {
        Objects.requireNonNull(latency, "latency");
        return random -> latency;
    }

    /** A latency uniformly distributed from {@code min} to {@code max}, both included, in milliseconds. */
    static Latency uniform(Duration min, Duration max) {
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("Invalid uniform latency: max " + max + " is below min " + min);
        }
        return random -> Duration.ofMillis(random.nextLong(min.toMillis(), max.toMillis() + 1));
    }

    /** A normally distributed latency, in milliseconds, with negative draws taken as zero. */
    static Latency normal(Duration mean, Duration standardDeviation) {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(standardDeviation, "standardDeviation");
        return random -> Duration.ofMillis(Math.max(0, Math.round(
                random.nextGaussian(mean.toMillis(), standardDeviation.toMillis()))));
    }
}
