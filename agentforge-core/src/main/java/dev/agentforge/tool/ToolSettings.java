package dev.agentforge.tool;

import dev.agentforge.resilience.RetryPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the {@link ToolExecutor} runs the calls of one tool. Register settings with
 * {@link ToolExecutor.Builder#settings(String, ToolSettings)}, or declare them in
 * {@link Tool#settings()}; the executor's registration wins.
 *
 * @param pool the pool whose concurrency limit the calls count against
 * @param priority the priority of the calls while they wait for a slot
 * @param timeout how long a call may run, all retries included, before it is cancelled; null for no limit
 * @param resources the permits each call holds while it runs, by resource name, such as {@code db -> 1}
 * @param retry the policy that retries failures the tool marks retryable; null for a single attempt
 * @param whenUnhealthy what the model is shown while the tool is unhealthy
 */
public record ToolSettings(String pool, ToolPriority priority, Duration timeout, Map<String, Integer> resources,
        RetryPolicy retry, Degradation whenUnhealthy) {

    private static final ToolSettings DEFAULTS = builder().build();

    /** The effect of an unhealthy tool on the model's tool list and calls. */
    public enum Degradation {
        /** The tool is left out of the specifications sent to the model; a call made anyway gets "temporarily unavailable". */
        WITHDRAW,
        /** The tool stays in the specifications, and each call gets "temporarily unavailable". */
        ANSWER_UNAVAILABLE
    }

    public ToolSettings {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(whenUnhealthy, "whenUnhealthy");
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("Invalid timeout " + timeout + ": use a positive duration, or null for none");
        }
        resources = Map.copyOf(resources);
        resources.forEach((name, permits) -> {
            if (permits < 1) {
                throw new IllegalArgumentException("Invalid permit count " + permits + " for resource '" + name + "': use 1 or more");
            }
        });
    }

    /** Returns the settings of a tool that declares none: default pool, normal priority, no timeout, no resources, no retry. */
    public static ToolSettings defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder that starts from these settings. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.pool = pool;
        builder.priority = priority;
        builder.timeout = timeout;
        builder.resources.putAll(resources);
        builder.retry = retry;
        builder.whenUnhealthy = whenUnhealthy;
        return builder;
    }

    /** Builds {@link ToolSettings}. */
    public static final class Builder {
        private String pool = ToolExecutor.DEFAULT_POOL;
        private ToolPriority priority = ToolPriority.NORMAL;
        private Duration timeout;
        private final Map<String, Integer> resources = new LinkedHashMap<>();
        private RetryPolicy retry;
        private Degradation whenUnhealthy = Degradation.WITHDRAW;

        private Builder() {
        }

        /** Sets the pool; it must be defined with {@link ToolExecutor.Builder#pool(String, int)} unless it is the default pool. */
        public Builder pool(String pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        public Builder priority(ToolPriority priority) {
            this.priority = Objects.requireNonNull(priority, "priority");
            return this;
        }

        /** Sets how long a call may run, all retries included; null removes the limit. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Adds a resource whose permits each call takes while it runs; it must be defined with {@link ToolExecutor.Builder#resource(String, int)}. */
        public Builder resource(String name, int permits) {
            resources.put(Objects.requireNonNull(name, "name"), permits);
            return this;
        }

        /** Sets the retry policy; its predicate decides which failures are retried, by default the retryable ones. */
        public Builder retry(RetryPolicy retry) {
            this.retry = retry;
            return this;
        }

        public Builder whenUnhealthy(Degradation degradation) {
            this.whenUnhealthy = Objects.requireNonNull(degradation, "degradation");
            return this;
        }

        public ToolSettings build() {
            return new ToolSettings(pool, priority, timeout, resources, retry, whenUnhealthy);
        }
    }
}
