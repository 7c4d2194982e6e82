package dev.agentforge.resilience;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

/** Cancels the stream at its first partial response, as a client that went away does. */
final class CancellingHandler implements StreamingChatResponseHandler {

    @Override
    public void onPartialResponse(PartialResponse response, PartialResponseContext context) {
        context.streamingHandle().cancel();
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
    }

    @Override
    public void onError(Throwable error) {
    }
}
