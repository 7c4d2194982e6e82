package dev.agentforge.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * The state of a circuit breaker, as Resilience4j defines it.
 *
 * <p>{@code CLOSED} lets calls through and measures them. {@code OPEN} rejects calls until its wait
 * ends. {@code HALF_OPEN} lets a few trial calls through, whose results close or reopen the breaker.
 * {@code DISABLED}, {@code METRICS_ONLY} and {@code FORCED_OPEN} are only reached by calling the
 * Resilience4j breaker's {@code transitionTo...} methods.
 */
public enum BreakerState {
    CLOSED,
    OPEN,
    HALF_OPEN,
    DISABLED,
    METRICS_ONLY,
    FORCED_OPEN;

    /** Whether the breaker rejects calls in this state, so its dependency counts as degraded. */
    public boolean rejectsCalls() {
        return this == OPEN || this == FORCED_OPEN;
    }

    /** Converts a Resilience4j state. */
    public static BreakerState of(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> CLOSED;
            case OPEN -> OPEN;
            case HALF_OPEN -> HALF_OPEN;
            case DISABLED -> DISABLED;
            case METRICS_ONLY -> METRICS_ONLY;
            case FORCED_OPEN -> FORCED_OPEN;
        };
    }
}
