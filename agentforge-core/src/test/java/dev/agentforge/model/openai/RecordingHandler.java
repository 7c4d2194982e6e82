package dev.agentforge.model.openai;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every callback of a streaming chat response. */
class RecordingHandler implements StreamingChatResponseHandler {

    final List<String> partials = new CopyOnWriteArrayList<>();
    final List<String> thinking = new CopyOnWriteArrayList<>();
    final List<ChatResponse> responses = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> firstPartial = new CompletableFuture<>();

    @Override
    public void onPartialResponse(String partialResponse) {
        partials.add(partialResponse);
        firstPartial.complete(partialResponse);
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking) {
        thinking.add(partialThinking.text());
    }

    @Override
    public void onCompleteResponse(ChatResponse completeResponse) {
        responses.add(completeResponse);
    }

    @Override
    public void onError(Throwable error) {
        errors.add(error);
    }

    String partialText() {
        return String.join("", partials);
    }
}
