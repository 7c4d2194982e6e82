package dev.agentforge.monitor;

/**
 * The state of one health check, or of the whole service in a {@link HealthReport}.
 *
 * <p>{@code UP} and {@code DEGRADED} pass: the service keeps taking work, with a dependency or a
 * feature impaired in the degraded case. {@code DOWN} and {@code TIMEOUT} fail, and the
 * {@link HealthRegistry} turns the service not ready once a check fails its failure threshold.
 */
public enum HealthState {
    /** The check passed. */
    UP,
    /** The check passed, but a dependency is impaired, such as an open circuit breaker or a memory soft limit. */
    DEGRADED,
    /** The check failed or threw. */
    DOWN,
    /** The check did not finish within its timeout. */
    TIMEOUT;

    /** Returns whether a check in this state counts as passed. */
    public boolean passing() {
        return this == UP || this == DEGRADED;
    }
}
