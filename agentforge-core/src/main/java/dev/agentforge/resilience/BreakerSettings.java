package dev.agentforge.resilience;

import dev.agentforge.event.ErrorCodes;
import dev.agentforge.model.ModelException;
import dev.agentforge.tool.ToolException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The configuration of one circuit breaker, converted to a Resilience4j {@link CircuitBreakerConfig}.
 *
 * <p>Defaults, compared with Resilience4j 2.4.0's {@code CircuitBreakerConfig.ofDefaults()}:
 * <table>
 * <caption>Breaker defaults</caption>
 * <tr><th>setting</th><th>AgentForge</th><th>Resilience4j 2.4.0</th></tr>
 * <tr><td>failure rate threshold</td><td>50 %</td><td>50 %</td></tr>
 * <tr><td>slow-call duration threshold</td><td>60 s</td><td>60 s</td></tr>
 * <tr><td>slow-call rate threshold</td><td>100 %</td><td>100 %</td></tr>
 * <tr><td>sliding window</td><td>count-based, 20 calls</td><td>count-based, 100 calls</td></tr>
 * <tr><td>minimum number of calls</td><td>10</td><td>100</td></tr>
 * <tr><td>permitted calls in half-open state</td><td>3</td><td>10</td></tr>
 * <tr><td>wait duration in open state</td><td>30 s</td><td>60 s</td></tr>
 * <tr><td>automatic transition from open to half-open</td><td>on</td><td>off</td></tr>
 * <tr><td>max wait duration in half-open state</td><td>60 s, then open</td><td>0, which waits forever</td></tr>
 * <tr><td>recorded failures</td><td>all except the three below</td><td>all exceptions</td></tr>
 * </table>
 *
 * <p>By default a {@link ModelException} with code {@link ErrorCodes#MODEL_BAD_REQUEST} and a
 * {@link ToolException} that is not {@link ToolException#retryable() retryable} are not recorded,
 * because they report a bad request from the caller, not a failing dependency. Neither is an
 * {@link InterruptedException}. Resilience4j releases the call's permission for them without
 * counting the call.
 *
 * <p>Smaller window and minimum than Resilience4j's defaults let a breaker open on the call volume of
 * one agent service. Fewer trial calls send less traffic to a provider that is still failing. The
 * half-open limit keeps a breaker from staying half-open when its trial calls never finish.
 */
public final class BreakerSettings {

    private static final BreakerSettings DEFAULTS = new Builder().build();

    private final float failureRateThreshold;
    private final Duration slowCallDurationThreshold;
    private final float slowCallRateThreshold;
    private final SlidingWindowType slidingWindowType;
    private final int slidingWindowSize;
    private final int minimumNumberOfCalls;
    private final int permittedNumberOfCallsInHalfOpenState;
    private final Duration waitDurationInOpenState;
    private final boolean automaticTransitionFromOpenToHalfOpen;
    private final Duration maxWaitDurationInHalfOpenState;
    private final Predicate<Throwable> recordFailure;

    private BreakerSettings(Builder builder) {
        this.failureRateThreshold = builder.failureRateThreshold;
        this.slowCallDurationThreshold = builder.slowCallDurationThreshold;
        this.slowCallRateThreshold = builder.slowCallRateThreshold;
        this.slidingWindowType = builder.slidingWindowType;
        this.slidingWindowSize = builder.slidingWindowSize;
        this.minimumNumberOfCalls = builder.minimumNumberOfCalls;
        this.permittedNumberOfCallsInHalfOpenState = builder.permittedNumberOfCallsInHalfOpenState;
        this.waitDurationInOpenState = builder.waitDurationInOpenState;
        this.automaticTransitionFromOpenToHalfOpen = builder.automaticTransitionFromOpenToHalfOpen;
        this.maxWaitDurationInHalfOpenState = builder.maxWaitDurationInHalfOpenState;
        this.recordFailure = builder.recordFailure;
    }

    /** Returns the AgentForge defaults listed in the class comment. */
    public static BreakerSettings defaults() {
        return DEFAULTS;
    }

    /** Starts from the AgentForge defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a builder with these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Records a failure unless it is a bad request (a {@link ModelException} with code
     * {@link ErrorCodes#MODEL_BAD_REQUEST} or a {@link ToolException} that is not retryable) or an
     * {@link InterruptedException}, which means the caller cancelled.
     */
    public static boolean isDependencyFailure(Throwable failure) {
        if (failure instanceof InterruptedException) {
            return false;
        }
        if (failure instanceof ModelException model) {
            return !ErrorCodes.MODEL_BAD_REQUEST.equals(model.code());
        }
        if (failure instanceof ToolException tool) {
            return tool.retryable();
        }
        return true;
    }

    public float failureRateThreshold() {
        return failureRateThreshold;
    }

    public Duration slowCallDurationThreshold() {
        return slowCallDurationThreshold;
    }

    public float slowCallRateThreshold() {
        return slowCallRateThreshold;
    }

    public SlidingWindowType slidingWindowType() {
        return slidingWindowType;
    }

    public int slidingWindowSize() {
        return slidingWindowSize;
    }

    public int minimumNumberOfCalls() {
        return minimumNumberOfCalls;
    }

    public int permittedNumberOfCallsInHalfOpenState() {
        return permittedNumberOfCallsInHalfOpenState;
    }

    public Duration waitDurationInOpenState() {
        return waitDurationInOpenState;
    }

    public boolean automaticTransitionFromOpenToHalfOpen() {
        return automaticTransitionFromOpenToHalfOpen;
    }

    public Duration maxWaitDurationInHalfOpenState() {
        return maxWaitDurationInHalfOpenState;
    }

    public Predicate<Throwable> recordFailure() {
        return recordFailure;
    }

    /** Builds {@link BreakerSettings}; every setter checks its value and names the fix. */
    public static final class Builder {
        private float failureRateThreshold = 50;
        private Duration slowCallDurationThreshold = Duration.ofSeconds(60);
        private float slowCallRateThreshold = 100;
        private SlidingWindowType slidingWindowType = SlidingWindowType.COUNT_BASED;
        private int slidingWindowSize = 20;
        private int minimumNumberOfCalls = 10;
        private int permittedNumberOfCallsInHalfOpenState = 3;
        private Duration waitDurationInOpenState = Duration.ofSeconds(30);
        private boolean automaticTransitionFromOpenToHalfOpen = true;
        private Duration maxWaitDurationInHalfOpenState = Duration.ofSeconds(60);
        private Predicate<Throwable> recordFailure = BreakerSettings::isDependencyFailure;

        private Builder() {
        }

        private Builder(BreakerSettings settings) {
            this.failureRateThreshold = settings.failureRateThreshold;
            this.slowCallDurationThreshold = settings.slowCallDurationThreshold;
            this.slowCallRateThreshold = settings.slowCallRateThreshold;
            this.slidingWindowType = settings.slidingWindowType;
            this.slidingWindowSize = settings.slidingWindowSize;
            this.minimumNumberOfCalls = settings.minimumNumberOfCalls;
            this.permittedNumberOfCallsInHalfOpenState = settings.permittedNumberOfCallsInHalfOpenState;
            this.waitDurationInOpenState = settings.waitDurationInOpenState;
            this.automaticTransitionFromOpenToHalfOpen = settings.automaticTransitionFromOpenToHalfOpen;
            this.maxWaitDurationInHalfOpenState = settings.maxWaitDurationInHalfOpenState;
            this.recordFailure = settings.recordFailure;
        }

        /** Sets the failure rate, in percent of the calls in the window, at which the breaker opens. */
        public Builder failureRateThreshold(float percent) {
            this.failureRateThreshold = percent(percent, "failureRateThreshold");
            return this;
        }

        /** Sets the duration above which a call counts as slow. */
        public Builder slowCallDurationThreshold(Duration duration) {
            this.slowCallDurationThreshold = positive(duration, "slowCallDurationThreshold");
            return this;
        }

        /** Sets the rate of slow calls, in percent of the calls in the window, at which the breaker opens. */
        public Builder slowCallRateThreshold(float percent) {
            this.slowCallRateThreshold = percent(percent, "slowCallRateThreshold");
            return this;
        }

        /**
         * Sets the sliding window: the last {@code size} calls for {@link SlidingWindowType#COUNT_BASED},
         * or the calls of the last {@code size} seconds for {@link SlidingWindowType#TIME_BASED}.
         */
        public Builder slidingWindow(SlidingWindowType type, int size) {
            this.slidingWindowType = Objects.requireNonNull(type, "type");
            if (size < 1) {
                throw new IllegalArgumentException("Invalid sliding window size " + size + ": use 1 or more");
            }
            this.slidingWindowSize = size;
            return this;
        }

        /**
         * Sets the number of calls the window must hold before the rates are computed. Resilience4j
         * uses the window size instead when this is larger, for a count-based window.
         */
        public Builder minimumNumberOfCalls(int calls) {
            if (calls < 1) {
                throw new IllegalArgumentException("Invalid minimumNumberOfCalls " + calls + ": use 1 or more");
            }
            this.minimumNumberOfCalls = calls;
            return this;
        }

        /** Sets the number of trial calls let through in half-open state. */
        public Builder permittedNumberOfCallsInHalfOpenState(int calls) {
            if (calls < 1) {
                throw new IllegalArgumentException("Invalid permittedNumberOfCallsInHalfOpenState " + calls
                        + ": use 1 or more");
            }
            this.permittedNumberOfCallsInHalfOpenState = calls;
            return this;
        }

        /** Sets how long an open breaker rejects calls before it lets trial calls through. */
        public Builder waitDurationInOpenState(Duration duration) {
            this.waitDurationInOpenState = positive(duration, "waitDurationInOpenState");
            return this;
        }

        /**
         * Sets whether Resilience4j's scheduler thread moves an open breaker to half-open when its wait
         * ends. When off, the first call after the wait does it, so the state stays open without traffic.
         */
        public Builder automaticTransitionFromOpenToHalfOpen(boolean enabled) {
            this.automaticTransitionFromOpenToHalfOpen = enabled;
            return this;
        }

        /**
         * Sets how long the breaker stays half-open before it opens again when its trial calls have not
         * all finished. {@link Duration#ZERO} waits forever, so a trial call that never finishes keeps
         * the breaker half-open and rejecting calls.
         */
        public Builder maxWaitDurationInHalfOpenState(Duration duration) {
            Objects.requireNonNull(duration, "maxWaitDurationInHalfOpenState");
            if (duration.isNegative()) {
                throw new IllegalArgumentException("Invalid maxWaitDurationInHalfOpenState " + duration
                        + ": use a positive duration, or Duration.ZERO to wait forever");
            }
            this.maxWaitDurationInHalfOpenState = duration;
            return this;
        }

        /** Sets which failures count against the breaker; the others are not counted at all. */
        public Builder recordFailure(Predicate<Throwable> predicate) {
            this.recordFailure = Objects.requireNonNull(predicate, "predicate");
            return this;
        }

        public BreakerSettings build() {
            return new BreakerSettings(this);
        }

        private static float percent(float value, String name) {
            if (!(value > 0 && value <= 100)) {
                throw new IllegalArgumentException("Invalid " + name + " " + value + ": use a percentage above 0 and at most 100");
            }
            return value;
        }

        private static Duration positive(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("Invalid " + name + " " + duration + ": use a positive duration");
            }
            return duration;
        }
    }
}
