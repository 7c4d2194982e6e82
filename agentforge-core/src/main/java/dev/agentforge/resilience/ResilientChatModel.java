package dev.agentforge.resilience;

import dev.agentforge.event.ErrorCodes;
import dev.agentforge.model.ModelErrors;
import dev.agentforge.model.ModelException;
import dev.agentforge.resilience.internal.AttemptHandler;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A {@link StreamingChatModel} that calls another one through the circuit breaker
 * {@code model:<name>} and the {@link RetryPolicy}.
 *
 * <p>A failed attempt is retried only when nothing has been streamed yet: no response text, thinking or
 * tool call. The caller's handler receives partial results as they arrive, so a retry after them would
 * send the caller the same text twice. A failure after streaming started goes to the caller at once,
 * with the streamed text as {@link ModelException#partialText()}.
 *
 * <p>Every failure reaches the handler as a {@link ModelException} from {@link ModelErrors#classify}. A
 * call the open breaker rejects fails with code {@link ErrorCodes#MODEL_UNAVAILABLE}, marked retryable,
 * a message that names the breaker and when it lets calls through again, and a
 * {@link CallNotPermittedException} as its cause; the retry policy does not retry it, and
 * {@link FallbackChatModel} moves on to the next model. Cancelling the stream through the handle of a
 * partial result's context releases the breaker's permission without recording the call.
 */
public final class ResilientChatModel implements StreamingChatModel, AutoCloseable {

    private final StreamingChatModel delegate;
    private final String name;
    private final CircuitBreakers breakers;
    private final CircuitBreaker breaker;
    private final RetryPolicy retryPolicy;
    private final Scheduler scheduler;

    private ResilientChatModel(Builder builder) {
        this.delegate = builder.delegate;
        this.name = Objects.requireNonNull(builder.name, "name: call name(...) with the model's name, which names its breaker");
        this.breakers = builder.breakers != null ? builder.breakers : CircuitBreakers.create();
        this.breaker = breakers.forModel(name);
        this.retryPolicy = builder.retryPolicy != null ? builder.retryPolicy : RetryPolicy.defaults(breaker.getName());
        this.scheduler = builder.scheduler;
    }

    /** Starts a decorator of {@code delegate}. */
    public static Builder builder(StreamingChatModel delegate) {
        return new Builder(delegate);
    }

    /** The model's name, as in its breaker's name {@code model:<name>}. */
    public String name() {
        return name;
    }

    /** The model this decorator calls. */
    public StreamingChatModel delegate() {
        return delegate;
    }

    /** The breaker in front of the model. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        AtomicBoolean streamed = new AtomicBoolean();
        StringBuffer text = new StringBuffer();
        Mono.defer(() -> attempt(request, handler, streamed, text))
                .retryWhen(retryPolicy.toReactorRetry(scheduler, failure -> !streamed.get()))
                .subscribe(handler::onCompleteResponse, handler::onError);
    }

    private Mono<ChatResponse> attempt(ChatRequest request, StreamingChatResponseHandler handler, AtomicBoolean streamed,
            StringBuffer text) {
        if (!breaker.tryAcquirePermission()) {
            return Mono.error(rejection());
        }
        long start = breaker.getCurrentTimestamp();
        return Mono.<ChatResponse>create(sink -> delegate.chat(request, new AttemptHandler(handler, streamed, text,
                        sink::success, sink::error, () -> {
                            breaker.releasePermission();
                            sink.success();
                        })))
                .onErrorMap(failure -> ModelErrors.classify(failure, text.toString()))
                .doOnSuccess(response -> {
                    if (response != null) {
                        breaker.onResult(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), response);
                    }
                })
                .doOnError(failure -> breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(),
                        failure));
    }

    private ModelException rejection() {
        return new ModelException(ErrorCodes.MODEL_UNAVAILABLE,
                "Model '" + name + "' was not called. " + breakers.describeRejection(breaker.getName()),
                true, null, CallNotPermittedException.createCallNotPermittedException(breaker));
    }

    /** Closes the decorated model if it holds resources, such as an HTTP client. */
    @Override
    public void close() throws Exception {
        if (delegate instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate.supportedCapabilities();
    }

    @Override
    public ModelProvider provider() {
        return delegate.provider();
    }

    /** Builds a {@link ResilientChatModel}. */
    public static final class Builder {
        private final StreamingChatModel delegate;
        private String name;
        private CircuitBreakers breakers;
        private RetryPolicy retryPolicy;
        private Scheduler scheduler;

        private Builder(StreamingChatModel delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
        }

        /** Sets the model's name; its breaker is {@code model:<name>}. Required. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Sets the registry the breaker comes from; by default a registry of its own with default settings. */
        public Builder breakers(CircuitBreakers breakers) {
            this.breakers = breakers;
            return this;
        }

        /** Sets the retry policy; by default {@link RetryPolicy#defaults}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = retryPolicy;
            return this;
        }

        /** Sets the scheduler that times the waits between attempts; by default {@code Schedulers.parallel()}. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        public ResilientChatModel build() {
            return new ResilientChatModel(this);
        }
    }
}
