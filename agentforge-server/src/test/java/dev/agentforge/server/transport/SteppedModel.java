package dev.agentforge.server.transport;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/**
 * A streaming model for transport tests: it streams {@code tokens} tokens, each one only after the
 * test releases a permit, then answers with a short summary instead of the whole text, so the
 * {@code done} event stays small. The test paces the run without sleeping, such as by releasing a
 * permit per token its healthy client received.
 */
public final class SteppedModel implements StreamingChatModel {

    private final int tokens;
    private final IntFunction<String> text;
    private final Semaphore permits = new Semaphore(0);

    public SteppedModel(int tokens, IntFunction<String> text) {
        this.tokens = tokens;
        this.text = text;
    }

    /** Lets the model stream {@code count} more tokens. */
    public void release(int count) {
        permits.release(count);
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        long chars = 0;
        try {
            for (int i = 1; i <= tokens; i++) {
                permits.acquire();
                String token = text.apply(i);
                chars += token.length();
                handler.onPartialResponse(token);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handler.onError(e);
            return;
        }
        handler.onCompleteResponse(ChatResponse.builder()
                .aiMessage(AiMessage.from(tokens + " tokens, " + chars + " chars"))
                .finishReason(FinishReason.STOP)
                .build());
    }
}
