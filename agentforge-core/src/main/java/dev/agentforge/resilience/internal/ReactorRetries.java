package dev.agentforge.resilience.internal;

import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.function.Predicate;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Drives a Reactor {@code retryWhen} from a Resilience4j retry context, which decides whether to retry
 * and how long to wait. Hand-written because the Reactor operator of Resilience4j lives in
 * resilience4j-reactor, which core does not depend on; this is the same approach in a few lines.
 */
public final class ReactorRetries {

    private ReactorRetries() {
    }

    /** Returns a retry spec that consults {@code context} after each failure that {@code condition} accepts. */
    public static reactor.util.retry.Retry of(Retry.AsyncContext<?> context, Predicate<Throwable> condition,
            Scheduler scheduler) {
        return reactor.util.retry.Retry.from(signals -> companion(signals, context, condition, scheduler));
    }

    /**
     * Maps each retry signal to a delay that triggers the next attempt, or to the failure itself when
     * the context or the condition rules out another attempt.
     */
    public static Publisher<?> companion(Flux<reactor.util.retry.Retry.RetrySignal> signals, Retry.AsyncContext<?> context,
            Predicate<Throwable> condition, Scheduler scheduler) {
        return signals.concatMap(signal -> {
            Throwable failure = signal.failure();
            if (!condition.test(failure)) {
                return Mono.error(failure);
            }
            long delayMillis = context.onError(failure);
            if (delayMillis < 0) {
                return Mono.error(failure);
            }
            Scheduler timer = scheduler != null ? scheduler : Schedulers.parallel();
            return Mono.delay(Duration.ofMillis(delayMillis), timer);
        });
    }
}
