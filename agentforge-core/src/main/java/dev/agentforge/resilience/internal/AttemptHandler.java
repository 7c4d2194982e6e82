package dev.agentforge.resilience.internal;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The handler of one attempt of a streaming model call. It forwards every partial result to the
 * caller's handler at once and keeps the streamed text for the error. It also records that something
 * was streamed, because a retry after that would send the caller the same partial results twice. The
 * attempt's outcome goes to {@code onResponse} or {@code onFailure} instead of the caller's handler, so
 * a decorator can retry or fall back first.
 */
public final class AttemptHandler implements StreamingChatResponseHandler {

    private final StreamingChatResponseHandler target;
    private final AtomicBoolean streamed;
    private final StringBuffer text;
    private final Consumer<ChatResponse> onResponse;
    private final Consumer<Throwable> onFailure;
    private final Runnable onCancel;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    /**
     * @param target the caller's handler
     * @param streamed set once anything is forwarded; shared by the attempts of one call
     * @param text the response text streamed so far; shared by the attempts of one call
     * @param onCancel runs once when the caller cancels the stream through a context's handle
     */
    public AttemptHandler(StreamingChatResponseHandler target, AtomicBoolean streamed, StringBuffer text,
            Consumer<ChatResponse> onResponse, Consumer<Throwable> onFailure, Runnable onCancel) {
        this.target = target;
        this.streamed = streamed;
        this.text = text;
        this.onResponse = onResponse;
        this.onFailure = onFailure;
        this.onCancel = onCancel;
    }

    @Override
    public void onPartialResponse(String partial) {
        streamed.set(true);
        text.append(partial);
        target.onPartialResponse(partial);
    }

    @Override
    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
        streamed.set(true);
        text.append(partial.text());
        target.onPartialResponse(partial, new PartialResponseContext(watch(context.streamingHandle())));
    }

    @Override
    public void onPartialThinking(PartialThinking thinking) {
        streamed.set(true);
        target.onPartialThinking(thinking);
    }

    @Override
    public void onPartialThinking(PartialThinking thinking, PartialThinkingContext context) {
        streamed.set(true);
        target.onPartialThinking(thinking, new PartialThinkingContext(watch(context.streamingHandle())));
    }

    @Override
    public void onPartialToolCall(PartialToolCall call) {
        streamed.set(true);
        target.onPartialToolCall(call);
    }

    @Override
    public void onPartialToolCall(PartialToolCall call, PartialToolCallContext context) {
        streamed.set(true);
        target.onPartialToolCall(call, new PartialToolCallContext(watch(context.streamingHandle())));
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall call) {
        streamed.set(true);
        target.onCompleteToolCall(call);
    }

    @Override
    public void onUnmappedRawEvent(Object event) {
        target.onUnmappedRawEvent(event);
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
        onResponse.accept(response);
    }

    @Override
    public void onError(Throwable error) {
        onFailure.accept(error);
    }

    private StreamingHandle watch(StreamingHandle handle) {
        return new StreamingHandle() {
            @Override
            public void cancel() {
                handle.cancel();
                if (cancelled.compareAndSet(false, true)) {
                    onCancel.run();
                }
            }

            @Override
            public boolean isCancelled() {
                return handle.isCancelled();
            }
        };
    }
}
