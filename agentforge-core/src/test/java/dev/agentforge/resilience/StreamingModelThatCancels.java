package dev.agentforge.resilience;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Streams one token with a cancellable handle, then stops: a cancelled stream never completes. */
final class StreamingModelThatCancels implements StreamingChatModel {

    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        calls.incrementAndGet();
        AtomicBoolean cancelled = new AtomicBoolean();
        handler.onPartialResponse(new PartialResponse("Hi"), new PartialResponseContext(new StreamingHandle() {
            @Override
            public void cancel() {
                cancelled.set(true);
            }

            @Override
            public boolean isCancelled() {
                return cancelled.get();
            }
        }));
    }
}
