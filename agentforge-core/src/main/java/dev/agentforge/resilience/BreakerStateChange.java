package dev.agentforge.resilience;

import java.time.Instant;

/**
 * A state transition of a circuit breaker, sent to every {@link BreakerListener}.
 *
 * @param name the breaker's name, such as {@code model:gpt-4o} or {@code tool:search}
 * @param from the state before the transition
 * @param to the state after the transition
 * @param time when the transition happened, by the clock of the {@link CircuitBreakers} registry
 * @param reason why the breaker changed state, for people, such as
 *     "failure rate 60.0% reached the threshold 50.0%"
 */
public record BreakerStateChange(String name, BreakerState from, BreakerState to, Instant time, String reason) {
}
