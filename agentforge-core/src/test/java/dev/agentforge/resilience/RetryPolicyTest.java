package dev.agentforge.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.event.ErrorCodes;
import dev.agentforge.model.ModelException;
import dev.agentforge.tool.ToolException;
import dev.langchain4j.exception.RateLimitException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class RetryPolicyTest {

    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    private RetryPolicy.Builder policy() {
        return RetryPolicy.builder("test")
                .maxAttempts(3)
                .backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(10))
                .jitter(0)
                .sleeper(waits::add);
    }

    private static ModelException overloaded() {
        return new ModelException(ErrorCodes.MODEL_OVERLOADED, "overloaded", true, null);
    }

    @Test
    void callRetriesUntilSuccess() throws Exception {
        AtomicInteger attempts = new AtomicInteger();

        String result = policy().build().call(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw overloaded();
            }
            return "ok";
        });

        assertThat(result).isEqualTo("ok");
        assertThat(attempts).hasValue(3);
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void callThrowsLastFailureWhenExhausted() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> policy().maxAttempts(4).build().call(() -> {
            throw new IOException("attempt " + attempts.incrementAndGet());
        })).isInstanceOf(IOException.class).hasMessage("attempt 4");

        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    void callDoesNotRetryNonRetryable() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> policy().build().call(() -> {
            attempts.incrementAndGet();
            throw new ModelException(ErrorCodes.MODEL_AUTHENTICATION_FAILED, "bad key", false, null);
        })).isInstanceOf(ModelException.class);

        assertThat(attempts).hasValue(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void backoffIsCappedAtMax() {
        assertThatThrownBy(() -> policy().maxAttempts(6).backoff(Duration.ofSeconds(1), 3, Duration.ofSeconds(5)).build()
                .call(() -> {
                    throw new TimeoutException("slow");
                })).isInstanceOf(TimeoutException.class);

        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void jitterStaysWithinBounds() {
        for (int run = 0; run < 200; run++) {
            waits.clear();
            assertThatThrownBy(() -> policy().maxAttempts(5).backoff(Duration.ofMillis(100), 2, Duration.ofSeconds(1))
                    .jitter(0.5).build().call(() -> {
                        throw new IOException("down");
                    })).isInstanceOf(IOException.class);

            assertThat(waits.get(0).toMillis()).isBetween(50L, 150L);
            assertThat(waits.get(1).toMillis()).isBetween(100L, 300L);
            assertThat(waits.get(2).toMillis()).isBetween(200L, 600L);
            assertThat(waits.get(3).toMillis()).isBetween(400L, 1000L);
        }
    }

    @Test
    void defaultPredicateClassifiesFailures() {
        CallNotPermittedException rejected = CallNotPermittedException.createCallNotPermittedException(
                CircuitBreaker.ofDefaults("model:x"));

        assertThat(RetryPolicy.isRetryableByDefault(overloaded())).isTrue();
        assertThat(RetryPolicy.isRetryableByDefault(
                new ModelException(ErrorCodes.MODEL_BAD_REQUEST, "bad", false, null))).isFalse();
        assertThat(RetryPolicy.isRetryableByDefault(new ToolException("timed out", true, null))).isTrue();
        assertThat(RetryPolicy.isRetryableByDefault(new ToolException("no such city"))).isFalse();
        assertThat(RetryPolicy.isRetryableByDefault(new IOException("reset"))).isTrue();
        assertThat(RetryPolicy.isRetryableByDefault(new UncheckedIOException(new IOException("reset")))).isTrue();
        assertThat(RetryPolicy.isRetryableByDefault(new TimeoutException("slow"))).isTrue();
        assertThat(RetryPolicy.isRetryableByDefault(new RateLimitException("429"))).isTrue();
        assertThat(RetryPolicy.isRetryableByDefault(new IllegalArgumentException("bug"))).isFalse();
        assertThat(RetryPolicy.isRetryableByDefault(rejected)).isFalse();
        assertThat(RetryPolicy.isRetryableByDefault(new ModelException(ErrorCodes.MODEL_UNAVAILABLE, "open", true,
                null, rejected))).isFalse();
    }

    @Test
    void interruptedSleepStopsRetrying() {
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy policy = policy().sleeper(duration -> {
            throw new InterruptedException("cancelled");
        }).build();

        assertThatThrownBy(() -> policy.call(() -> {
            attempts.incrementAndGet();
            throw new IOException("down");
        })).isInstanceOf(InterruptedException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void fluxRetriesOnVirtualTime() {
        AtomicInteger subscriptions = new AtomicInteger();
        RetryPolicy policy = policy().build();

        StepVerifier.withVirtualTime(() -> Flux.defer(() -> subscriptions.incrementAndGet() < 3
                        ? Flux.<String>error(overloaded())
                        : Flux.just("a", "b"))
                        .transform(policy.forFlux()))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(2999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("a", "b")
                .verifyComplete();

        assertThat(subscriptions).hasValue(3);
    }

    @Test
    void reactorRetryEndsWithLastFailure() {
        AtomicInteger subscriptions = new AtomicInteger();
        RetryPolicy policy = policy().build();

        StepVerifier.withVirtualTime(() -> Mono.defer(() -> Mono.<String>error(
                        new IOException("attempt " + subscriptions.incrementAndGet())))
                        .retryWhen(policy.toReactorRetry()))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(3))
                .expectErrorMessage("attempt 3")
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void reactorRetryHonoursCondition() {
        AtomicInteger subscriptions = new AtomicInteger();
        RetryPolicy policy = policy().build();

        StepVerifier.create(Mono.defer(() -> {
                    subscriptions.incrementAndGet();
                    return Mono.<String>error(overloaded());
                }).retryWhen(policy.toReactorRetry(null, failure -> false)))
                .expectError(ModelException.class)
                .verify(Duration.ofSeconds(5));

        assertThat(subscriptions).hasValue(1);
    }

    @Test
    void invalidSettingsNameTheFix() {
        assertThatThrownBy(() -> RetryPolicy.builder("x").maxAttempts(0))
                .hasMessage("Invalid maxAttempts 0: use 1 or more, where 1 disables retries");
        assertThatThrownBy(() -> RetryPolicy.builder("x").jitter(1))
                .hasMessage("Invalid jitter 1.0: use a fraction from 0 (none) to below 1");
    }
}
