package dev.agentforge.resilience.internal;

import dev.agentforge.resilience.BreakerListener;
import dev.agentforge.resilience.BreakerSettings;
import dev.agentforge.resilience.BreakerState;
import dev.agentforge.resilience.BreakerStateChange;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Resilience4j's state transition events into {@link BreakerStateChange}s with a reason, sends
 * them to the listeners, and remembers when each breaker opened, to describe rejections.
 */
public final class BreakerStates {

    private static final Logger LOG = LoggerFactory.getLogger(BreakerStates.class);

    private final Clock clock;
    private final Function<String, BreakerSettings> settings;
    private final List<BreakerListener> listeners;
    private final Map<String, Opened> opened = new ConcurrentHashMap<>();

    private record Opened(Instant time, Instant retryAt, String reason) {
    }

    public BreakerStates(Clock clock, Function<String, BreakerSettings> settings, List<BreakerListener> listeners) {
        this.clock = clock;
        this.settings = settings;
        this.listeners = listeners;
    }

    /** Subscribes to the transitions of a breaker the registry has just created. */
    public void attach(CircuitBreaker breaker) {
        breaker.getEventPublisher().onStateTransition(event -> onTransition(breaker, event));
    }

    /** Returns when the breaker lets trial calls through, if it opened since it was created. */
    public Optional<Instant> retryAt(String name) {
        return Optional.ofNullable(opened.get(name)).map(Opened::retryAt);
    }

    /** Describes why the breaker rejects calls in its current state. */
    public String describeRejection(CircuitBreaker breaker) {
        String name = breaker.getName();
        CircuitBreaker.State state = breaker.getState();
        switch (state) {
            case OPEN -> {
                Opened open = opened.get(name);
                if (open == null) {
                    return "Circuit breaker '" + name + "' is open.";
                }
                Duration left = Duration.between(clock.instant(), open.retryAt());
                String wait = left.isNegative() || left.isZero()
                        ? "now, on the next call"
                        : "at " + open.retryAt() + " (in " + Durations.format(left) + ")";
                return "Circuit breaker '" + name + "' is open since " + open.time() + " because " + open.reason()
                        + ". It lets trial calls through " + wait + ".";
            }
            case HALF_OPEN -> {
                return "Circuit breaker '" + name + "' is half-open and its "
                        + breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState()
                        + " trial calls are still running. It rejects other calls until they finish.";
            }
            case FORCED_OPEN -> {
                return "Circuit breaker '" + name + "' is forced open and rejects calls until "
                        + "transitionToClosedState() is called on it.";
            }
            default -> {
                return "Circuit breaker '" + name + "' rejected the call in state " + state + ".";
            }
        }
    }

    private void onTransition(CircuitBreaker breaker, CircuitBreakerOnStateTransitionEvent event) {
        String name = breaker.getName();
        CircuitBreaker.State from = event.getStateTransition().getFromState();
        CircuitBreaker.State to = event.getStateTransition().getToState();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String reason = reason(breaker, from, to);
        if (to == CircuitBreaker.State.OPEN) {
            opened.put(name, new Opened(now, now.plus(settings.apply(name).waitDurationInOpenState()), reason));
        }
        BreakerStateChange change = new BreakerStateChange(name, BreakerState.of(from), BreakerState.of(to), now, reason);
        if (to == CircuitBreaker.State.OPEN) {
            LOG.warn("Circuit breaker {} changed from {} to {}: {}", name, from, to, reason);
        } else {
            LOG.info("Circuit breaker {} changed from {} to {}: {}", name, from, to, reason);
        }
        for (BreakerListener listener : listeners) {
            try {
                listener.onStateChange(change);
            } catch (RuntimeException e) {
                LOG.warn("Breaker listener {} failed on the change of {} to {}", listener, name, to, e);
            }
        }
    }

    private String reason(CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to) {
        BreakerSettings config = settings.apply(breaker.getName());
        return switch (to) {
            case OPEN -> openReason(breaker, from, config);
            case HALF_OPEN -> "the wait of " + Durations.format(config.waitDurationInOpenState()) + " in open state ended";
            case CLOSED -> from == CircuitBreaker.State.HALF_OPEN
                    ? "the trial calls in half-open state stayed below the failure and slow-call thresholds"
                    : "transitionToClosedState() or reset() was called";
            case DISABLED -> "transitionToDisabledState() was called";
            case METRICS_ONLY -> "transitionToMetricsOnlyState() was called";
            case FORCED_OPEN -> "transitionToForcedOpenState() was called";
        };
    }

    // Resilience4j 2.4.0 hands the metrics of the closed or half-open state to the open state, so the
    // rates that crossed a threshold are still readable here.
    private static String openReason(CircuitBreaker breaker, CircuitBreaker.State from, BreakerSettings config) {
        CircuitBreaker.Metrics metrics = breaker.getMetrics();
        float failureRate = metrics.getFailureRate();
        float slowCallRate = metrics.getSlowCallRate();
        StringBuilder reason = new StringBuilder();
        if (failureRate >= config.failureRateThreshold()) {
            reason.append(String.format(Locale.ROOT, "the failure rate %.1f%% reached the threshold %.1f%%",
                    failureRate, config.failureRateThreshold()));
        }
        if (slowCallRate >= config.slowCallRateThreshold()) {
            if (!reason.isEmpty()) {
                reason.append(" and ");
            }
            reason.append(String.format(Locale.ROOT,
                    "the slow-call rate %.1f%% reached the threshold %.1f%% (calls slower than %s)",
                    slowCallRate, config.slowCallRateThreshold(), Durations.format(config.slowCallDurationThreshold())));
        }
        if (!reason.isEmpty()) {
            return reason.toString();
        }
        if (from == CircuitBreaker.State.HALF_OPEN && !config.maxWaitDurationInHalfOpenState().isZero()) {
            return "the trial calls did not all finish within the max wait of "
                    + Durations.format(config.maxWaitDurationInHalfOpenState()) + " in half-open state";
        }
        return "transitionToOpenState() was called";
    }
}
