package dev.agentforge.resilience;

/**
 * Receives the state transitions of every breaker in a {@link CircuitBreakers} registry. Metrics,
 * health checks and alerts subscribe here: an open breaker marks its dependency as degraded.
 *
 * <p>A listener runs on the thread that caused the transition, which may be a caller's thread or
 * Resilience4j's scheduler thread, so it must return quickly. An exception it throws is logged and
 * does not reach the caller.
 */
@FunctionalInterface
public interface BreakerListener {

    /** Handles one state transition. */
    void onStateChange(BreakerStateChange change);
}
