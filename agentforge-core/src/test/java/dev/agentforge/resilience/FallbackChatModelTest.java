package dev.agentforge.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.event.ErrorCodes;
import dev.agentforge.model.ModelException;
import dev.agentforge.resilience.ScriptedFailures.Outcome;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.util.List;
import org.junit.jupiter.api.Test;

class FallbackChatModelTest {

    private static final ChatRequest REQUEST = ChatRequest.builder().messages(UserMessage.from("hi")).build();

    private final ScriptedChatModel backup = ScriptedChatModel.builder()
            .fallback(turn -> ScriptStep.answer("backup answer"))
            .build();

    private static ModelException overloaded() {
        return new ModelException(ErrorCodes.MODEL_OVERLOADED, "overloaded", true, null);
    }

    @Test
    void retryableFailureGoesToNextModel() {
        ScriptedFailures primary = new ScriptedFailures(Outcome.fail(overloaded()));
        RecordingHandler handler = new RecordingHandler();

        FallbackChatModel.of(primary, backup).chat(REQUEST, handler);

        assertThat(handler.done.join().aiMessage().text()).isEqualTo("backup answer");
        assertThat(String.join("", handler.tokens)).isEqualTo("backup answer");
        assertThat(primary.calls()).isEqualTo(1);
    }

    @Test
    void openBreakerGoesToNextModelWithoutCalling() {
        CircuitBreakers breakers = CircuitBreakers.builder()
                .defaults(BreakerSettings.builder().slidingWindow(SlidingWindowType.COUNT_BASED, 2)
                        .minimumNumberOfCalls(2).automaticTransitionFromOpenToHalfOpen(false).build())
                .build();
        ScriptedFailures unstable = new ScriptedFailures(Outcome.fail(overloaded()));
        ResilientChatModel primary = ResilientChatModel.builder(unstable).name("unstable").breakers(breakers)
                .retryPolicy(RetryPolicy.none("none")).build();
        FallbackChatModel chain = FallbackChatModel.of(primary, backup);

        for (int call = 0; call < 4; call++) {
            RecordingHandler handler = new RecordingHandler();
            chain.chat(REQUEST, handler);
            assertThat(handler.done.join().aiMessage().text()).as("answer %d", call).isEqualTo("backup answer");
        }

        assertThat(primary.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(unstable.calls()).as("calls after the breaker opened are rejected").isEqualTo(2);
    }

    @Test
    void nonRetryableFailureStops() {
        ScriptedFailures primary = new ScriptedFailures(Outcome.fail(
                new ModelException(ErrorCodes.MODEL_AUTHENTICATION_FAILED, "bad key", false, null)));
        ScriptedFailures second = new ScriptedFailures(Outcome.answer("never"));
        RecordingHandler handler = new RecordingHandler();

        FallbackChatModel.of(primary, second).chat(REQUEST, handler);

        assertThat(handler.failure()).isInstanceOfSatisfying(ModelException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCodes.MODEL_AUTHENTICATION_FAILED));
        assertThat(second.calls()).isZero();
    }

    @Test
    void failureAfterStreamingStops() {
        ScriptedFailures primary = new ScriptedFailures(Outcome.streamThenFail(overloaded(), "Par"));
        ScriptedFailures second = new ScriptedFailures(Outcome.answer("never"));
        RecordingHandler handler = new RecordingHandler();

        FallbackChatModel.of(primary, second).chat(REQUEST, handler);

        assertThat(handler.failure()).isInstanceOfSatisfying(ModelException.class,
                e -> assertThat(e.partialText()).isEqualTo("Par"));
        assertThat(second.calls()).isZero();
    }

    @Test
    void lastFailureCarriesEarlierOnes() {
        ScriptedFailures first = new ScriptedFailures(Outcome.fail(overloaded()));
        ScriptedFailures second = new ScriptedFailures(Outcome.fail(
                new ModelException(ErrorCodes.MODEL_RATE_LIMITED, "rate limited", true, null)));
        RecordingHandler handler = new RecordingHandler();

        FallbackChatModel.of(List.of(first, second)).chat(REQUEST, handler);

        Throwable failure = handler.failure();
        assertThat(failure).hasMessage("rate limited");
        assertThat(failure.getSuppressed()).extracting(Throwable::getMessage).containsExactly("overloaded");
    }

    @Test
    void emptyChainIsRejected() {
        assertThatThrownBy(() -> FallbackChatModel.of(List.of()))
                .hasMessage("A fallback chain needs at least one model; pass the primary model first");
    }
}
