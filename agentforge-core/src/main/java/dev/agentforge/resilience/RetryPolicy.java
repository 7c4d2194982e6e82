package dev.agentforge.resilience;

import dev.agentforge.model.ModelErrors;
import dev.agentforge.model.ModelException;
import dev.agentforge.resilience.internal.ReactorRetries;
import dev.agentforge.tool.ToolException;
import dev.langchain4j.exception.LangChain4jException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * The retry policy of AgentForge: a maximum number of attempts, exponential backoff with jitter, and a
 * predicate for the failures worth retrying, on a Resilience4j {@link Retry}. The same policy serves
 * blocking code ({@link #call}) and Reactor streams ({@link #forFlux}, {@link #toReactorRetry}).
 *
 * <p>The wait before retry {@code n} (1 for the first retry) is {@code initialBackoff * multiplier^(n-1)},
 * spread uniformly by up to {@code jitter} of itself either way, then capped at {@code maxBackoff}, as
 * Resilience4j 2.4.0's {@link IntervalFunction#ofExponentialRandomBackoff} computes it. The default
 * policy makes 3 attempts, with waits from 500 ms, multiplier 2, at most 10 s and jitter 0.5.
 *
 * <p>By default these failures are retried, found in the failure or its causes: a {@link ModelException}
 * or a {@link ToolException} that is {@code retryable()}, a LangChain4j exception that
 * {@link ModelErrors#classify} marks retryable, an {@link IOException} and a {@link TimeoutException}.
 * A call a circuit breaker rejected is never retried, because the breaker stays open for longer than
 * any backoff.
 *
 * <p>Blocking waits go through the {@link Sleeper}, which tests replace. Reactor waits use
 * {@code Mono.delay} on the given scheduler, or {@code Schedulers.parallel()} looked up at each wait,
 * so {@code StepVerifier.withVirtualTime} controls them.
 */
public final class RetryPolicy {

    /** Waits between blocking attempts. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final int MAX_CAUSE_DEPTH = 16;

    private final Retry retry;
    private final Predicate<Throwable> retryOn;
    private final Sleeper sleeper;
    private final int maxAttempts;

    private RetryPolicy(Builder builder) {
        this.retryOn = builder.retryOn;
        this.sleeper = builder.sleeper;
        this.maxAttempts = builder.maxAttempts;
        IntervalFunction backoff = builder.jitter > 0
                ? IntervalFunction.ofExponentialRandomBackoff(builder.initialBackoff, builder.multiplier,
                        builder.jitter, builder.maxBackoff)
                : IntervalFunction.ofExponentialBackoff(builder.initialBackoff, builder.multiplier, builder.maxBackoff);
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(builder.maxAttempts)
                .intervalFunction(backoff)
                .retryOnException(builder.retryOn)
                .build();
        this.retry = Retry.of(builder.name, config);
    }

    /** Starts a policy with the defaults from the class comment. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Returns a policy with the defaults from the class comment. */
    public static RetryPolicy defaults(String name) {
        return builder(name).build();
    }

    /** Returns a policy that makes one attempt and never retries. */
    public static RetryPolicy none(String name) {
        return builder(name).maxAttempts(1).build();
    }

    /** The default predicate: whether a failure is worth retrying, by the rules in the class comment. */
    public static boolean isRetryableByDefault(Throwable failure) {
        if (CircuitBreakers.isRejection(failure)) {
            return false;
        }
        Throwable current = failure;
        for (int depth = 0; depth < MAX_CAUSE_DEPTH && current != null; depth++) {
            switch (current) {
                case ModelException model -> {
                    return model.retryable();
                }
                case ToolException tool -> {
                    return tool.retryable();
                }
                case LangChain4jException langChain4j -> {
                    return ModelErrors.classify(langChain4j, null).retryable();
                }
                case IOException io -> {
                    return true;
                }
                case TimeoutException timeout -> {
                    return true;
                }
                default -> current = current.getCause();
            }
        }
        return false;
    }

    /** Whether this policy retries the failure, if attempts are left. */
    public boolean isRetryable(Throwable failure) {
        return retryOn.test(failure);
    }

    /** The maximum number of attempts, the first one included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The Resilience4j retry, for its events and metrics. */
    public Retry retry() {
        return retry;
    }

    /**
     * Calls the callable until it succeeds, fails with a failure this policy does not retry, or has
     * made {@link #maxAttempts()} attempts. Waits between attempts with the {@link Sleeper}.
     *
     * @return the first successful result
     * @throws Exception the last failure
     * @throws InterruptedException if the thread is interrupted while waiting; no further attempt is made
     */
    public <T> T call(Callable<T> callable) throws Exception {
        Objects.requireNonNull(callable, "callable");
        Retry.AsyncContext<T> context = retry.asyncContext();
        while (true) {
            T result;
            try {
                result = callable.call();
            } catch (Exception e) {
                long delayMillis = context.onError(e);
                if (delayMillis < 0) {
                    throw e;
                }
                sleeper.sleep(Duration.ofMillis(delayMillis));
                continue;
            }
            context.onComplete();
            return result;
        }
    }

    /**
     * Returns a transformer that resubscribes to a failed {@link Flux} under this policy, for
     * {@code flux.transform(policy.forFlux())}. A resubscription replays the source from its start, so
     * use it only on sources that have emitted nothing, or whose items may repeat.
     */
    public <T> Function<Flux<T>, Flux<T>> forFlux() {
        return forFlux(null);
    }

    /** Like {@link #forFlux()}, waiting on the given scheduler. */
    public <T> Function<Flux<T>, Flux<T>> forFlux(Scheduler scheduler) {
        return flux -> Flux.defer(() -> {
            Retry.AsyncContext<T> context = retry.asyncContext();
            return flux.retryWhen(ReactorRetries.of(context, failure -> true, scheduler))
                    .doOnComplete(context::onComplete);
        });
    }

    /** Returns this policy as a Reactor retry spec, for {@code mono.retryWhen(...)}, waiting on {@code Schedulers.parallel()}. */
    public reactor.util.retry.Retry toReactorRetry() {
        return toReactorRetry(null, failure -> true);
    }

    /**
     * Returns this policy as a Reactor retry spec that also requires {@code condition}, waiting on
     * {@code scheduler}, or on {@code Schedulers.parallel()} when it is null. Each subscription counts
     * its attempts anew.
     */
    public reactor.util.retry.Retry toReactorRetry(Scheduler scheduler, Predicate<Throwable> condition) {
        Objects.requireNonNull(condition, "condition");
        return reactor.util.retry.Retry.from(signals -> Flux.defer(() ->
                ReactorRetries.companion(signals, retry.asyncContext(), condition, scheduler)));
    }

    /** Builds a {@link RetryPolicy}. */
    public static final class Builder {
        private final String name;
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(500);
        private double multiplier = 2;
        private Duration maxBackoff = Duration.ofSeconds(10);
        private double jitter = 0.5;
        private Predicate<Throwable> retryOn = RetryPolicy::isRetryableByDefault;
        private Sleeper sleeper = duration -> Thread.sleep(duration);

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Sets the maximum number of attempts, the first one included; 1 disables retries. */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("Invalid maxAttempts " + attempts + ": use 1 or more, where 1 disables retries");
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Sets the exponential backoff: the wait before the first retry, the factor for each further
         * retry, and the cap.
         */
        public Builder backoff(Duration initial, double multiplier, Duration max) {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(max, "max");
            if (initial.toMillis() < 1) {
                throw new IllegalArgumentException("Invalid initial backoff " + initial + ": use 1 ms or more");
            }
            if (!(multiplier >= 1)) {
                throw new IllegalArgumentException("Invalid backoff multiplier " + multiplier + ": use 1 or more");
            }
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("Invalid max backoff " + max + ": use at least the initial backoff " + initial);
            }
            this.initialBackoff = initial;
            this.multiplier = multiplier;
            this.maxBackoff = max;
            return this;
        }

        /**
         * Sets the jitter: each wait is spread uniformly by up to this fraction of itself either way.
         * 0 turns jitter off.
         */
        public Builder jitter(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("Invalid jitter " + fraction + ": use a fraction from 0 (none) to below 1");
            }
            this.jitter = fraction;
            return this;
        }

        /** Sets which failures are retried, replacing the default rules. */
        public Builder retryOn(Predicate<Throwable> predicate) {
            this.retryOn = Objects.requireNonNull(predicate, "predicate");
            return this;
        }

        /** Sets how blocking calls wait between attempts; tests pass one that records the waits. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        public RetryPolicy build() {
            return new RetryPolicy(this);
        }
    }
}
