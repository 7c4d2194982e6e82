package dev.agentforge.resilience;

import dev.agentforge.model.ModelErrors;
import dev.agentforge.model.ModelException;
import dev.agentforge.resilience.internal.AttemptHandler;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chain of models: each request goes to the first model, and to the next one when a model fails
 * with a retryable failure or a rejection by its circuit breaker, before it streamed anything. Put a
 * {@link ResilientChatModel} in each place to give every model its own breaker and retries.
 *
 * <p>A failure that is not retryable, such as a rejected API key or an invalid request, goes to the
 * caller, because the next model would most likely reject the same request. So does any failure after
 * streaming started. When the last model fails, the caller gets its failure, with the earlier models'
 * failures attached as suppressed exceptions.
 */
public final class FallbackChatModel implements StreamingChatModel {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackChatModel.class);

    private final List<StreamingChatModel> models;

    private FallbackChatModel(List<StreamingChatModel> models) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("A fallback chain needs at least one model; pass the primary model first");
        }
        this.models = List.copyOf(models);
    }

    /** Creates a chain that tries the models in this order. */
    public static FallbackChatModel of(StreamingChatModel primary, StreamingChatModel... fallbacks) {
        List<StreamingChatModel> models = new ArrayList<>();
        models.add(primary);
        models.addAll(List.of(fallbacks));
        return new FallbackChatModel(models);
    }

    /** Creates a chain that tries the models in list order. */
    public static FallbackChatModel of(List<StreamingChatModel> models) {
        return new FallbackChatModel(models);
    }

    /** The models in the order they are tried. */
    public List<StreamingChatModel> models() {
        return models;
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        attempt(0, request, handler, new AtomicBoolean(), new StringBuffer(), new ArrayList<>());
    }

    private void attempt(int index, ChatRequest request, StreamingChatResponseHandler handler, AtomicBoolean streamed,
            StringBuffer text, List<ModelException> earlier) {
        StreamingChatModel model = models.get(index);
        AttemptHandler attemptHandler = new AttemptHandler(handler, streamed, text, handler::onCompleteResponse,
                failure -> onFailure(index, failure, request, handler, streamed, text, earlier), () -> { });
        try {
            model.chat(request, attemptHandler);
        } catch (RuntimeException e) {
            attemptHandler.onError(e);
        }
    }

    private void onFailure(int index, Throwable failure, ChatRequest request, StreamingChatResponseHandler handler,
            AtomicBoolean streamed, StringBuffer text, List<ModelException> earlier) {
        ModelException classified = ModelErrors.classify(failure, text.toString());
        boolean switchable = classified.retryable() || CircuitBreakers.isRejection(failure);
        if (switchable && !streamed.get() && index + 1 < models.size()) {
            LOG.warn("Model {} failed with {}, so the request goes to fallback model {}: {}", nameOf(models.get(index)),
                    classified.code(), nameOf(models.get(index + 1)), classified.getMessage());
            earlier.add(classified);
            attempt(index + 1, request, handler, streamed, text, earlier);
            return;
        }
        earlier.forEach(classified::addSuppressed);
        handler.onError(classified);
    }

    private static String nameOf(StreamingChatModel model) {
        return model instanceof ResilientChatModel resilient ? resilient.name() : model.getClass().getSimpleName();
    }
}
