package dev.agentforge.resilience;

import dev.agentforge.resilience.internal.BreakerStates;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The circuit breakers of an application, by name, on a Resilience4j {@link CircuitBreakerRegistry}.
 * Each breaker takes the settings registered for its name, or the default {@link BreakerSettings}.
 * Model breakers are named {@code model:<name>} and tool breakers {@code tool:<name>}.
 *
 * <p>Every state transition of every breaker goes to the {@link BreakerListener}s, with a reason.
 *
 * <p>With {@link Builder#clock(Clock)} set, Resilience4j measures call durations and the wait in open
 * state on that clock, so tests can move time forward without sleeping. Two Resilience4j 2.4.0 timers
 * run on its own scheduler thread in real time whatever the clock: the automatic transition from open
 * to half-open, and the max wait in half-open state.
 */
public final class CircuitBreakers {

    /** The prefix of model breaker names. */
    public static final String MODEL_PREFIX = "model:";

    /** The prefix of tool breaker names. */
    public static final String TOOL_PREFIX = "tool:";

    private final CircuitBreakerRegistry registry;
    private final BreakerSettings defaults;
    private final Map<String, BreakerSettings> settingsByName;
    private final Clock clock;
    private final boolean clockInjected;
    private final List<BreakerListener> listeners = new CopyOnWriteArrayList<>();
    private final BreakerStates states;

    private CircuitBreakers(Builder builder) {
        this.defaults = builder.defaults;
        this.settingsByName = Map.copyOf(builder.settingsByName);
        this.clock = builder.clock;
        this.clockInjected = builder.clockInjected;
        this.registry = CircuitBreakerRegistry.of(toConfig(defaults));
        this.states = new BreakerStates(clock, this::settings, listeners);
        registry.getEventPublisher().onEntryAdded(event -> states.attach(event.getAddedEntry()));
    }

    /** Creates a registry with the default settings and the system clock. */
    public static CircuitBreakers create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Returns the breaker of this name, creating it with the settings registered for the name. */
    public CircuitBreaker breaker(String name) {
        Objects.requireNonNull(name, "name");
        return registry.circuitBreaker(name, () -> toConfig(settings(name)));
    }

    /** Returns the breaker {@code model:<modelName>}. */
    public CircuitBreaker forModel(String modelName) {
        return breaker(MODEL_PREFIX + modelName);
    }

    /** Returns the breaker {@code tool:<toolName>}. */
    public CircuitBreaker forTool(String toolName) {
        return breaker(TOOL_PREFIX + toolName);
    }

    /** Returns the settings a breaker of this name gets: its own, or the defaults. */
    public BreakerSettings settings(String name) {
        return settingsByName.getOrDefault(name, defaults);
    }

    /** Returns the state of the breaker of this name, or empty if no such breaker was created yet. */
    public Optional<BreakerState> state(String name) {
        return registry.find(name).map(breaker -> BreakerState.of(breaker.getState()));
    }

    /**
     * Returns when the open breaker of this name lets trial calls through, or empty if it is not
     * open. The time is the opening time plus the wait duration in open state; it is wrong for a
     * breaker opened by {@link CircuitBreaker#transitionToOpenStateFor} with another duration.
     */
    public Optional<Instant> retryAt(String name) {
        return registry.find(name)
                .filter(breaker -> breaker.getState() == CircuitBreaker.State.OPEN)
                .flatMap(breaker -> states.retryAt(name));
    }

    /** Adds a listener for the state transitions of every breaker, present and future. */
    public void addListener(BreakerListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener added with {@link #addListener}. */
    public void removeListener(BreakerListener listener) {
        listeners.remove(listener);
    }

    /**
     * Describes why a call was rejected by the breaker of this name: the breaker, its state, why it
     * opened and when it lets calls through again.
     */
    public String describeRejection(String name) {
        return states.describeRejection(registry.find(name).orElseThrow(() -> new IllegalArgumentException(
                "No circuit breaker named '" + name + "'; create it with breaker(name) first")));
    }

    /** The Resilience4j registry, for metrics binders and code that needs its full API. */
    /**
     * Publishes every breaker of this registry, present and future, to Micrometer with Resilience4j's own
     * meters: {@code resilience4j.circuitbreaker.state} (1 for the current state, tagged with
     * {@code name} and {@code state}), {@code .calls} by kind, {@code .failure.rate},
     * {@code .slow.call.rate}, {@code .buffered.calls} and {@code .not.permitted.calls}.
     */
    public CircuitBreakers bindTo(MeterRegistry meterRegistry) {
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry()).bindTo(meterRegistry);
        return this;
    }

    public CircuitBreakerRegistry registry() {
        return registry;
    }

    /** The clock that times the state transitions. */
    public Clock clock() {
        return clock;
    }

    /** Whether a breaker rejected the call: the failure or one of its causes is Resilience4j's {@link CallNotPermittedException}. */
    public static boolean isRejection(Throwable failure) {
        Throwable current = failure;
        for (int depth = 0; depth < 16 && current != null; depth++) {
            if (current instanceof CallNotPermittedException) {
                return true;
            }
            current = current.getCause();
        }
        return false;
    }

    private CircuitBreakerConfig toConfig(BreakerSettings settings) {
        CircuitBreakerConfig.Builder config = CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRateThreshold())
                .slowCallDurationThreshold(settings.slowCallDurationThreshold())
                .slowCallRateThreshold(settings.slowCallRateThreshold())
                .slidingWindow(settings.slidingWindowSize(), settings.minimumNumberOfCalls(),
                        settings.slidingWindowType())
                .permittedNumberOfCallsInHalfOpenState(settings.permittedNumberOfCallsInHalfOpenState())
                .waitDurationInOpenState(settings.waitDurationInOpenState())
                .automaticTransitionFromOpenToHalfOpenEnabled(settings.automaticTransitionFromOpenToHalfOpen())
                .maxWaitDurationInHalfOpenState(settings.maxWaitDurationInHalfOpenState())
                .recordException(settings.recordFailure());
        if (clockInjected) {
            // Resilience4j's default timestamp is System.nanoTime(), which ignores the clock.
            config.clock(clock).currentTimestampFunction(CircuitBreakers::epochNanos, TimeUnit.NANOSECONDS);
        }
        return config.build();
    }

    private static Long epochNanos(Clock clock) {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Builds {@link CircuitBreakers}. */
    public static final class Builder {
        private BreakerSettings defaults = BreakerSettings.defaults();
        private final Map<String, BreakerSettings> settingsByName = new HashMap<>();
        private Clock clock = Clock.systemUTC();
        private boolean clockInjected;

        private Builder() {
        }

        /** Sets the settings of every breaker that has none of its own. */
        public Builder defaults(BreakerSettings settings) {
            this.defaults = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Sets the settings of the breaker of this name, such as {@code model:gpt-4o}. */
        public Builder settings(String name, BreakerSettings settings) {
            settingsByName.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(settings, "settings"));
            return this;
        }

        /** Sets the clock that times calls, the wait in open state and the transitions, for tests. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            this.clockInjected = true;
            return this;
        }

        public CircuitBreakers build() {
            return new CircuitBreakers(this);
        }
    }
}
