package dev.agentforge.monitor;

import dev.agentforge.resilience.BreakerState;
import dev.agentforge.resilience.BreakerStateChange;
import dev.agentforge.resilience.CircuitBreakers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The circuit breakers of a {@link CircuitBreakers} registry as a health check: {@code DEGRADED}
 * while a breaker it covers is open, forced open or half-open, because its dependency is failing or
 * on trial, else {@code UP}. An open breaker never makes the service not ready: every replica calls
 * the same dependency, so taking one out of rotation would not help.
 *
 * <p>The details carry each covered breaker's state, and for a breaker that is not closed the reason
 * and time of its last transition, which the check receives through
 * {@link CircuitBreakers#addListener}. It reads in-process state and returns at once. Call
 * {@link #close()} to remove its listener.
 */
public final class BreakerHealthCheck implements HealthCheck, AutoCloseable {

    /** The name of the check of every breaker that is not a model breaker. */
    public static final String NAME = "circuit-breakers";

    private final String name;
    private final CircuitBreakers breakers;
    private final Predicate<String> covers;
    private final Map<String, BreakerStateChange> lastChanges = new ConcurrentHashMap<>();
    private final dev.agentforge.resilience.BreakerListener listener = this::onStateChange;

    /**
     * Creates a check of the breakers whose names match.
     *
     * @param covers which breaker names this check covers, such as {@code n -> n.startsWith("tool:")}
     */
    public BreakerHealthCheck(String name, CircuitBreakers breakers, Predicate<String> covers) {
        this.name = Objects.requireNonNull(name, "name");
        this.breakers = Objects.requireNonNull(breakers, "breakers");
        this.covers = Objects.requireNonNull(covers, "covers");
        breakers.addListener(listener);
    }

    /** Creates the {@value #NAME} check of every breaker but the {@code model:} ones. */
    public static BreakerHealthCheck nonModel(CircuitBreakers breakers) {
        return new BreakerHealthCheck(NAME, breakers, breaker -> !breaker.startsWith(CircuitBreakers.MODEL_PREFIX));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Result check() {
        Map<String, Object> details = new LinkedHashMap<>();
        List<String> impaired = new ArrayList<>();
        for (CircuitBreaker breaker : breakers.registry().getAllCircuitBreakers()) {
            String breakerName = breaker.getName();
            if (!covers.test(breakerName)) {
                continue;
            }
            BreakerState state = BreakerState.of(breaker.getState());
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("state", state.name());
            if (state.rejectsCalls() || state == BreakerState.HALF_OPEN) {
                BreakerStateChange change = lastChanges.get(breakerName);
                if (change != null) {
                    detail.put("since", change.time().toString());
                    detail.put("reason", change.reason());
                }
                breakers.retryAt(breakerName).ifPresent(retry -> detail.put("retryAt", retry.toString()));
                impaired.add(breakerName + " is " + state + (change == null ? "" : " (" + change.reason() + ")"));
            }
            details.put(breakerName, detail);
        }
        if (impaired.isEmpty()) {
            return new Result(HealthState.UP, null, details);
        }
        return new Result(HealthState.DEGRADED, String.join("; ", impaired), details);
    }

    @Override
    public void close() {
        breakers.removeListener(listener);
    }

    private void onStateChange(BreakerStateChange change) {
        if (covers.test(change.name())) {
            lastChanges.put(change.name(), change);
        }
    }
}
