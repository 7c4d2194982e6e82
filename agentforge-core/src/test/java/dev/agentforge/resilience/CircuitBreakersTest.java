package dev.agentforge.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentforge.event.ErrorCodes;
import dev.agentforge.model.ModelException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {

    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final List<BreakerStateChange> changes = new CopyOnWriteArrayList<>();

    private CircuitBreakers breakers(BreakerSettings settings) {
        CircuitBreakers breakers = CircuitBreakers.builder().defaults(settings).clock(clock).build();
        breakers.addListener(changes::add);
        return breakers;
    }

    // Opens after two calls when either fails; no automatic transition, so only the clock moves it to half-open.
    private static BreakerSettings.Builder smallWindow() {
        return BreakerSettings.builder()
                .slidingWindow(SlidingWindowType.COUNT_BASED, 2)
                .minimumNumberOfCalls(2)
                .failureRateThreshold(50)
                .permittedNumberOfCallsInHalfOpenState(2)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .automaticTransitionFromOpenToHalfOpen(false);
    }

    private void fail(CircuitBreaker breaker) {
        assertThatThrownBy(() -> breaker.executeCallable(() -> {
            throw new IOException("connection reset");
        })).isInstanceOf(IOException.class);
    }

    private void succeed(CircuitBreaker breaker) throws Exception {
        assertThat(breaker.executeCallable(() -> "ok")).isEqualTo("ok");
    }

    @Test
    void slowCallsOpenOnTheTenthCall() throws Exception {
        CircuitBreakers breakers = breakers(BreakerSettings.builder()
                .slowCallDurationThreshold(Duration.ofSeconds(1))
                .slowCallRateThreshold(50)
                .minimumNumberOfCalls(10)
                .slidingWindow(SlidingWindowType.COUNT_BASED, 10)
                .automaticTransitionFromOpenToHalfOpen(false)
                .build());
        CircuitBreaker breaker = breakers.forModel("slow");

        for (int call = 1; call <= 9; call++) {
            breaker.executeCallable(() -> {
                clock.advance(Duration.ofMillis(1200));
                return "ok";
            });
            assertThat(breaker.getState()).as("state after call %d", call).isEqualTo(CircuitBreaker.State.CLOSED);
        }
        assertThat(breaker.getMetrics().getNumberOfSlowSuccessfulCalls()).isEqualTo(9);

        breaker.executeCallable(() -> {
            clock.advance(Duration.ofMillis(1200));
            return "ok";
        });

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(changes).hasSize(1);
        BreakerStateChange change = changes.getFirst();
        assertThat(change.name()).isEqualTo("model:slow");
        assertThat(change.from()).isEqualTo(BreakerState.CLOSED);
        assertThat(change.to()).isEqualTo(BreakerState.OPEN);
        assertThat(change.time()).isEqualTo(START.plus(Duration.ofMillis(12_000)));
        assertThat(change.reason()).isEqualTo(
                "the slow-call rate 100.0% reached the threshold 50.0% (calls slower than 1 s)");
    }

    @Test
    void failuresOpenWithReason() {
        CircuitBreakers breakers = breakers(smallWindow().build());
        CircuitBreaker breaker = breakers.forTool("search");

        fail(breaker);
        fail(breaker);

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(changes.getLast().reason()).isEqualTo("the failure rate 100.0% reached the threshold 50.0%");
        assertThat(breakers.state("tool:search")).contains(BreakerState.OPEN);
        assertThat(breakers.retryAt("tool:search")).contains(START.plusSeconds(30));
    }

    @Test
    void openBreakerRejectsUntilTheWaitEnds() throws Exception {
        CircuitBreakers breakers = breakers(smallWindow().build());
        CircuitBreaker breaker = breakers.forTool("search");
        fail(breaker);
        fail(breaker);

        clock.advance(Duration.ofSeconds(10));
        assertThatThrownBy(() -> succeed(breaker)).isInstanceOf(CallNotPermittedException.class);
        assertThat(breakers.describeRejection("tool:search")).isEqualTo(
                "Circuit breaker 'tool:search' is open since 2026-03-01T12:00:00Z because the failure rate 100.0%"
                        + " reached the threshold 50.0%. It lets trial calls through at 2026-03-01T12:00:30Z (in 20 s).");

        clock.advance(Duration.ofSeconds(21));
        succeed(breaker);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void halfOpenClosesAfterPermittedSuccesses() throws Exception {
        CircuitBreakers breakers = breakers(smallWindow().build());
        CircuitBreaker breaker = breakers.forModel("m");
        fail(breaker);
        fail(breaker);
        clock.advance(Duration.ofSeconds(31));

        succeed(breaker);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        succeed(breaker);

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(changes).extracting(BreakerStateChange::to)
                .containsExactly(BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED);
        assertThat(changes.get(1).reason()).isEqualTo("the wait of 30 s in open state ended");
        assertThat(changes.get(2).reason())
                .isEqualTo("the trial calls in half-open state stayed below the failure and slow-call thresholds");
    }

    @Test
    void halfOpenFailureReopens() throws Exception {
        CircuitBreakers breakers = breakers(smallWindow().build());
        CircuitBreaker breaker = breakers.forModel("m");
        fail(breaker);
        fail(breaker);
        clock.advance(Duration.ofSeconds(31));

        succeed(breaker);
        fail(breaker);

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(changes).extracting(BreakerStateChange::to)
                .containsExactly(BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.OPEN);
        assertThat(changes.getLast().reason()).isEqualTo("the failure rate 50.0% reached the threshold 50.0%");
        assertThat(breakers.retryAt("m")).isEmpty();
        assertThat(breakers.retryAt("model:m")).contains(START.plusSeconds(61));
    }

    // Resilience4j 2.4.0 times the max wait in half-open state on its own scheduler thread, which no clock
    // controls, so this test uses a 50 ms wait and a bounded Awaitility wait for the state.
    @Test
    void halfOpenWithUnfinishedTrialReopens() {
        CircuitBreakers breakers = breakers(smallWindow()
                .permittedNumberOfCallsInHalfOpenState(1)
                .maxWaitDurationInHalfOpenState(Duration.ofMillis(50))
                .build());
        CircuitBreaker breaker = breakers.forModel("hanging");
        fail(breaker);
        fail(breaker);
        clock.advance(Duration.ofSeconds(31));

        assertThat(breaker.tryAcquirePermission()).as("the trial call, which never finishes").isTrue();
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquirePermission()).as("a second call while the trial runs").isFalse();
        assertThat(breakers.describeRejection("model:hanging")).isEqualTo("Circuit breaker 'model:hanging' is half-open"
                + " and its 1 trial calls are still running. It rejects other calls until they finish.");

        await().atMost(Duration.ofSeconds(10)).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
        assertThat(changes.getLast().reason())
                .isEqualTo("the trial calls did not all finish within the max wait of 50 ms in half-open state");
    }

    @Test
    void badRequestsAreNotRecorded() {
        CircuitBreakers breakers = breakers(smallWindow().build());
        CircuitBreaker breaker = breakers.forModel("m");

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> breaker.executeCallable(() -> {
                throw new ModelException(ErrorCodes.MODEL_BAD_REQUEST, "bad request", false, null);
            })).isInstanceOf(ModelException.class);
        }

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void settingsByNameOverrideDefaults() {
        CircuitBreakers breakers = CircuitBreakers.builder()
                .settings("model:big", BreakerSettings.builder().minimumNumberOfCalls(50)
                        .slidingWindow(SlidingWindowType.COUNT_BASED, 50).build())
                .build();

        assertThat(breakers.forModel("big").getCircuitBreakerConfig().getMinimumNumberOfCalls()).isEqualTo(50);
        assertThat(breakers.forModel("small").getCircuitBreakerConfig().getMinimumNumberOfCalls()).isEqualTo(10);
        assertThat(breakers.forModel("big")).isSameAs(breakers.breaker("model:big"));
    }

    @Test
    void defaultsMatchTheDocumentedTable() {
        CircuitBreakerConfig ours = CircuitBreakers.create().breaker("any").getCircuitBreakerConfig();

        assertThat(ours.getFailureRateThreshold()).isEqualTo(50f);
        assertThat(ours.getSlowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(60));
        assertThat(ours.getSlowCallRateThreshold()).isEqualTo(100f);
        assertThat(ours.getSlidingWindowType()).isEqualTo(SlidingWindowType.COUNT_BASED);
        assertThat(ours.getSlidingWindowSize()).isEqualTo(20);
        assertThat(ours.getMinimumNumberOfCalls()).isEqualTo(10);
        assertThat(ours.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(3);
        assertThat(ours.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(30_000L);
        assertThat(ours.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isTrue();
        assertThat(ours.getMaxWaitDurationInHalfOpenState()).isEqualTo(Duration.ofSeconds(60));
        assertThat(ours.getTransitionToStateAfterWaitDuration()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    // The Resilience4j column of the table in BreakerSettings and docs/resilience.md; this fails when an
    // upgrade changes a default.
    @Test
    void resilience4jDefaultsMatchTheDocumentedTable() {
        CircuitBreakerConfig library = CircuitBreakerConfig.ofDefaults();

        assertThat(library.getFailureRateThreshold()).isEqualTo(50f);
        assertThat(library.getSlowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(60));
        assertThat(library.getSlowCallRateThreshold()).isEqualTo(100f);
        assertThat(library.getSlidingWindowType()).isEqualTo(SlidingWindowType.COUNT_BASED);
        assertThat(library.getSlidingWindowSize()).isEqualTo(100);
        assertThat(library.getMinimumNumberOfCalls()).isEqualTo(100);
        assertThat(library.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(10);
        assertThat(library.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(60_000L);
        assertThat(library.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isFalse();
        assertThat(library.getMaxWaitDurationInHalfOpenState()).isEqualTo(Duration.ZERO);
    }

    @Test
    void failingListenerDoesNotReachCaller() {
        CircuitBreakers breakers = breakers(smallWindow().build());
        breakers.addListener(change -> {
            throw new IllegalStateException("listener bug");
        });
        CircuitBreaker breaker = breakers.forModel("m");

        fail(breaker);
        fail(breaker);

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(changes).hasSize(1);
    }

    @Test
    void invalidSettingsNameTheFix() {
        assertThatThrownBy(() -> BreakerSettings.builder().failureRateThreshold(0))
                .hasMessage("Invalid failureRateThreshold 0.0: use a percentage above 0 and at most 100");
        assertThatThrownBy(() -> BreakerSettings.builder().maxWaitDurationInHalfOpenState(Duration.ofSeconds(-1)))
                .hasMessageContaining("Duration.ZERO to wait forever");
    }
}
