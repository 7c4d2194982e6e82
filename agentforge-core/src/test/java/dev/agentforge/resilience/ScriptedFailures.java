package dev.agentforge.resilience;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A streaming model whose calls follow a list of outcomes: each call takes the next one, and the last
 * repeats. An outcome streams its tokens, then fails or completes.
 */
final class ScriptedFailures implements StreamingChatModel {

    record Outcome(List<String> tokens, RuntimeException failure) {
        static Outcome fail(RuntimeException failure) {
            return new Outcome(List.of(), failure);
        }

        static Outcome streamThenFail(RuntimeException failure, String... tokens) {
            return new Outcome(List.of(tokens), failure);
        }

        static Outcome answer(String... tokens) {
            return new Outcome(List.of(tokens), null);
        }
    }

    private final List<Outcome> outcomes;
    private final AtomicInteger calls = new AtomicInteger();

    ScriptedFailures(Outcome... outcomes) {
        this.outcomes = List.of(outcomes);
    }

    int calls() {
        return calls.get();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        int call = calls.getAndIncrement();
        Outcome outcome = outcomes.get(Math.min(call, outcomes.size() - 1));
        outcome.tokens().forEach(handler::onPartialResponse);
        if (outcome.failure() != null) {
            handler.onError(outcome.failure());
            return;
        }
        handler.onCompleteResponse(ChatResponse.builder()
                .aiMessage(AiMessage.from(String.join("", outcome.tokens())))
                .finishReason(FinishReason.STOP)
                .build());
    }
}
