package dev.agentforge.examples.resilience;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.event.ErrorCodes;
import dev.agentforge.model.ModelException;
import dev.agentforge.resilience.BreakerSettings;
import dev.agentforge.resilience.CircuitBreakers;
import dev.agentforge.resilience.FallbackChatModel;
import dev.agentforge.resilience.ResilientChatModel;
import dev.agentforge.resilience.RetryPolicy;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A circuit breaker in front of an unstable model, with a fallback model. The primary model reports
 * "overloaded" on every call, so its breaker opens after four failed calls. The next runs go straight
 * to the offline scripted model without calling the primary. The example prints each breaker
 * transition and each run's answer.
 */
public final class FallbackModelExample {

    private FallbackModelExample() {
    }

    /**
     * The outcome of the run.
     *
     * @param answers the answer of each run, in order
     * @param primaryCalls how many calls reached the unstable model
     */
    public record Result(List<String> answers, int primaryCalls) {
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Runs six questions through the chain and prints the transitions and answers. */
    public static Result run(PrintStream out) throws Exception {
        CircuitBreakers breakers = CircuitBreakers.builder()
                .defaults(BreakerSettings.builder()
                        .slidingWindow(SlidingWindowType.COUNT_BASED, 4)
                        .minimumNumberOfCalls(4)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(Duration.ofSeconds(30))
                        .build())
                .build();
        breakers.addListener(change -> out.println("breaker " + change.name() + ": " + change.from() + " -> "
                + change.to() + " because " + change.reason()));

        OverloadedModel unstable = new OverloadedModel();
        ResilientChatModel primary = ResilientChatModel.builder(unstable)
                .name("primary")
                .breakers(breakers)
                .retryPolicy(RetryPolicy.none("primary"))
                .build();
        ScriptedChatModel backup = ScriptedChatModel.builder()
                .rule("capital", "capital of France", turn -> ScriptStep.answer("Paris is the capital of France."))
                .build();
        Agent agent = Agent.builder().model(FallbackChatModel.of(primary, backup)).modelName("primary with fallback")
                .build();

        List<String> answers = new ArrayList<>();
        for (int run = 1; run <= 6; run++) {
            RunResult result = agent.start("What is the capital of France?").result().get();
            answers.add(result.answer());
            out.println("run " + run + ": " + result.status() + " -> " + result.answer());
        }
        out.println("the unstable model was called " + unstable.calls.get() + " times in 6 runs");
        return new Result(answers, unstable.calls.get());
    }

    /** A model that fails every call as overloaded, before streaming anything. */
    private static final class OverloadedModel implements StreamingChatModel {
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            calls.incrementAndGet();
            handler.onError(new ModelException(ErrorCodes.MODEL_OVERLOADED,
                    "The model provider is overloaded (HTTP 529). Retry later.", true, null));
        }
    }
}
