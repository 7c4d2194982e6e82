package dev.agentforge.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.event.ErrorCodes;
import dev.agentforge.model.ModelException;
import dev.agentforge.resilience.ScriptedFailures.Outcome;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

class ResilientChatModelTest {

    private static final ChatRequest REQUEST = ChatRequest.builder().messages(UserMessage.from("hi")).build();

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final List<BreakerStateChange> changes = new CopyOnWriteArrayList<>();

    @AfterEach
    void disposeScheduler() {
        time.dispose();
    }

    private CircuitBreakers breakers() {
        CircuitBreakers breakers = CircuitBreakers.builder()
                .defaults(BreakerSettings.builder()
                        .slidingWindow(SlidingWindowType.COUNT_BASED, 2)
                        .minimumNumberOfCalls(2)
                        .automaticTransitionFromOpenToHalfOpen(false)
                        .build())
                .clock(clock)
                .build();
        breakers.addListener(changes::add);
        return breakers;
    }

    private static RetryPolicy retries(int attempts) {
        return RetryPolicy.builder("test").maxAttempts(attempts).backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(10))
                .jitter(0).build();
    }

    private static ModelException overloaded() {
        return new ModelException(ErrorCodes.MODEL_OVERLOADED, "The model provider is overloaded.", true, null);
    }

    @Test
    void retriesBeforeAnyToken() {
        ScriptedFailures delegate = new ScriptedFailures(Outcome.fail(overloaded()), Outcome.fail(overloaded()),
                Outcome.answer("Hello", " there"));
        ResilientChatModel model = ResilientChatModel.builder(delegate).name("flaky").retryPolicy(retries(3))
                .breakers(CircuitBreakers.create()).scheduler(time).build();
        RecordingHandler handler = new RecordingHandler();

        model.chat(REQUEST, handler);
        assertThat(delegate.calls()).isEqualTo(1);
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(delegate.calls()).isEqualTo(2);
        time.advanceTimeBy(Duration.ofSeconds(2));

        assertThat(delegate.calls()).isEqualTo(3);
        assertThat(handler.done).isCompleted();
        assertThat(handler.done.join().aiMessage().text()).isEqualTo("Hello there");
        assertThat(handler.tokens).containsExactly("Hello", " there");
    }

    @Test
    void noRetryAfterStreamingStarted() {
        ScriptedFailures delegate = new ScriptedFailures(Outcome.streamThenFail(overloaded(), "Hel"),
                Outcome.answer("Hello"));
        ResilientChatModel model = ResilientChatModel.builder(delegate).name("flaky").retryPolicy(retries(3))
                .breakers(CircuitBreakers.create()).scheduler(time).build();
        RecordingHandler handler = new RecordingHandler();

        model.chat(REQUEST, handler);
        time.advanceTimeBy(Duration.ofMinutes(1));

        assertThat(delegate.calls()).isEqualTo(1);
        assertThat(handler.tokens).containsExactly("Hel");
        assertThat(handler.failure()).isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCodes.MODEL_OVERLOADED);
            assertThat(e.partialText()).isEqualTo("Hel");
        });
    }

    @Test
    void rawProviderFailureIsClassified() {
        ScriptedFailures delegate = new ScriptedFailures(Outcome.fail(new IllegalStateException("parser bug")));
        ResilientChatModel model = ResilientChatModel.builder(delegate).name("buggy").retryPolicy(retries(3))
                .breakers(CircuitBreakers.create()).scheduler(time).build();
        RecordingHandler handler = new RecordingHandler();

        model.chat(REQUEST, handler);

        assertThat(delegate.calls()).as("not retryable").isEqualTo(1);
        assertThat(handler.failure()).isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCodes.MODEL_ERROR);
            assertThat(e.retryable()).isFalse();
        });
    }

    @Test
    void openBreakerRejectsWithoutCalling() {
        CircuitBreakers breakers = breakers();
        ScriptedFailures delegate = new ScriptedFailures(Outcome.fail(overloaded()));
        ResilientChatModel model = ResilientChatModel.builder(delegate).name("flaky").retryPolicy(retries(1))
                .breakers(breakers).scheduler(time).build();

        model.chat(REQUEST, new RecordingHandler());
        model.chat(REQUEST, new RecordingHandler());
        assertThat(model.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advance(Duration.ofSeconds(5));
        RecordingHandler rejected = new RecordingHandler();
        model.chat(REQUEST, rejected);

        assertThat(delegate.calls()).isEqualTo(2);
        assertThat(rejected.failure()).isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCodes.MODEL_UNAVAILABLE);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getCause()).isInstanceOf(CallNotPermittedException.class);
            assertThat(e.getMessage()).isEqualTo("Model 'flaky' was not called. Circuit breaker 'model:flaky' is open"
                    + " since 2026-03-01T12:00:00Z because the failure rate 100.0% reached the threshold 50.0%."
                    + " It lets trial calls through at 2026-03-01T12:00:30Z (in 25 s).");
        });
        assertThat(changes).extracting(BreakerStateChange::to).containsExactly(BreakerState.OPEN);
    }

    @Test
    void openBreakerIsNotRetried() {
        CircuitBreakers breakers = breakers();
        ScriptedFailures delegate = new ScriptedFailures(Outcome.fail(overloaded()));
        ResilientChatModel model = ResilientChatModel.builder(delegate).name("flaky").retryPolicy(retries(5))
                .breakers(breakers).scheduler(time).build();
        RecordingHandler handler = new RecordingHandler();

        model.chat(REQUEST, handler);
        time.advanceTimeBy(Duration.ofMinutes(1));

        assertThat(delegate.calls()).as("two failures open the breaker; the third attempt is rejected").isEqualTo(2);
        assertThat(handler.failure()).hasCauseInstanceOf(CallNotPermittedException.class);
    }

    @Test
    void cancelReleasesHalfOpenPermission() {
        CircuitBreakers breakers = breakers();
        CircuitBreaker breaker = breakers.forModel("cancelled");
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState();
        StreamingModelThatCancels delegate = new StreamingModelThatCancels();
        ResilientChatModel model = ResilientChatModel.builder(delegate).name("cancelled").retryPolicy(retries(1))
                .breakers(breakers).scheduler(time).build();
        int permitted = breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState();

        for (int call = 0; call < permitted + 2; call++) {
            model.chat(REQUEST, new CancellingHandler());
        }

        assertThat(delegate.calls).as("each cancelled call gave its permission back").hasValue(permitted + 2);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }
}
