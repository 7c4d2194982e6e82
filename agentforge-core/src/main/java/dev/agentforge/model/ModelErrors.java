package dev.agentforge.model;

import dev.agentforge.event.ErrorCodes;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Classifies model call failures into {@link ModelException}s with a code from {@link ErrorCodes}
 * and a retryable flag, so the agent loop can report and retry them the same way for every
 * provider.
 */
public final class ModelErrors {

    // LangChain4j 1.19.0 reports an Anthropic "event: error" in a stream as
    // dev.langchain4j.model.anthropic.internal.api.AnthropicStreamingException, whose type()
    // returns the Anthropic error type. Core does not depend on langchain4j-anthropic, so the
    // class is matched by its simple name.
    private static final String ANTHROPIC_STREAMING_EXCEPTION = "AnthropicStreamingException";

    private static final int MAX_CAUSE_DEPTH = 16;

    private ModelErrors() {
    }

    /**
     * Classifies a failure of a model call.
     *
     * <p>A {@link ModelException} is returned as it is, or copied with {@code partialText} when it
     * has none. LangChain4j exceptions, Anthropic stream errors, HTTP status codes and I/O
     * failures map to specific codes. Overload, rate limit, server errors, timeouts and I/O
     * failures are retryable. Anything else becomes {@link ErrorCodes#MODEL_ERROR}, not
     * retryable, with a message naming the exception class and its message.
     *
     * @param failure the exception from the model client
     * @param partialText the text streamed before the failure, or {@code null} if none
     */
    public static ModelException classify(Throwable failure, String partialText) {
        Throwable t = unwrap(failure);
        if (t == null) {
            return new ModelException(ErrorCodes.MODEL_ERROR, "Model call failed without an exception.",
                    false, partialText);
        }
        if (t instanceof ModelException modelException) {
            return withPartialText(modelException, partialText);
        }
        if (ANTHROPIC_STREAMING_EXCEPTION.equals(t.getClass().getSimpleName())) {
            return anthropicStreamError(t, partialText);
        }
        HttpException http = findCause(t, HttpException.class);
        if (http != null) {
            return forHttpStatus(http.statusCode(), http.getMessage(), partialText, t);
        }
        if (t instanceof LangChain4jException langChain4jException) {
            return langChain4jError(langChain4jException, partialText);
        }
        IOException io = findCause(t, IOException.class);
        if (io != null) {
            return unavailable(io, partialText, t);
        }
        java.util.concurrent.TimeoutException timeout = findCause(t, java.util.concurrent.TimeoutException.class);
        if (timeout != null) {
            return new ModelException(ErrorCodes.MODEL_UNAVAILABLE,
                    "The model call timed out: " + sentence(describe(timeout)), true, partialText, t);
        }
        return new ModelException(ErrorCodes.MODEL_ERROR, "Model call failed with " + sentence(describe(t)),
                false, partialText, t);
    }

    /**
     * Maps an HTTP error status from a model provider: 401 and 403 to authentication failed, 429
     * to rate limited, 408 to unavailable, other 4xx to bad request, 503 and 529 to overloaded,
     * and other 5xx to model error. Rate limits, timeouts and 5xx are retryable.
     *
     * @param detail the provider's error message, or {@code null}
     * @param cause the underlying exception, or {@code null}
     */
    public static ModelException forHttpStatus(int status, String detail, String partialText, Throwable cause) {
        String suffix = detail == null || detail.isBlank() ? "." : ": " + sentence(detail);
        if (status == 401 || status == 403) {
            return new ModelException(ErrorCodes.MODEL_AUTHENTICATION_FAILED,
                    "The model provider rejected the credentials (HTTP " + status + ")" + suffix
                            + " Check the API key and its permissions.",
                    false, partialText, cause);
        }
        if (status == 429) {
            return new ModelException(ErrorCodes.MODEL_RATE_LIMITED,
                    "The model provider's rate limit was reached (HTTP 429)" + suffix + " Retry later.",
                    true, partialText, cause);
        }
        if (status == 408) {
            return new ModelException(ErrorCodes.MODEL_UNAVAILABLE,
                    "The model provider timed out waiting for the request (HTTP 408)" + suffix,
                    true, partialText, cause);
        }
        if (status >= 400 && status < 500) {
            return new ModelException(ErrorCodes.MODEL_BAD_REQUEST,
                    "The model provider rejected the request as invalid (HTTP " + status + ")" + suffix
                            + " Check the base URL, the model name and the request parameters.",
                    false, partialText, cause);
        }
        if (status == 503 || status == 529) {
            return new ModelException(ErrorCodes.MODEL_OVERLOADED,
                    "The model provider is overloaded (HTTP " + status + ")" + suffix + " Retry later.",
                    true, partialText, cause);
        }
        if (status >= 500) {
            return new ModelException(ErrorCodes.MODEL_ERROR,
                    "The model provider failed with HTTP " + status + suffix,
                    true, partialText, cause);
        }
        return new ModelException(ErrorCodes.MODEL_ERROR,
                "The model provider returned unexpected HTTP status " + status + suffix,
                false, partialText, cause);
    }

    /**
     * Maps an error type that a provider reports in its error body or stream, such as OpenAI's
     * {@code server_error} or Anthropic's {@code overloaded_error}. Unknown types become
     * {@link ErrorCodes#MODEL_ERROR}, not retryable.
     *
     * @param type the provider's error type or code, or {@code null}
     * @param message the provider's error message, or {@code null}
     */
    public static ModelException forProviderErrorType(String type, String message, String partialText) {
        return forProviderErrorType(type, message, partialText, null);
    }

    private static ModelException forProviderErrorType(String type, String message, String partialText,
            Throwable cause) {
        String normalized = type == null ? "" : type.toLowerCase(Locale.ROOT);
        String text = "The model provider reported an error"
                + (type == null ? "" : " of type " + type)
                + (message == null || message.isBlank() ? "." : ": " + sentence(message));
        return switch (normalized) {
            case "overloaded_error", "overloaded" -> new ModelException(ErrorCodes.MODEL_OVERLOADED,
                    text + " Retry later.", true, partialText, cause);
            case "rate_limit_error", "rate_limit_exceeded", "rate_limited" -> new ModelException(
                    ErrorCodes.MODEL_RATE_LIMITED, text + " Retry later.", true, partialText, cause);
            case "insufficient_quota" -> new ModelException(ErrorCodes.MODEL_RATE_LIMITED,
                    text + " Check the account's quota and billing.", false, partialText, cause);
            case "authentication_error", "invalid_api_key", "permission_error" -> new ModelException(
                    ErrorCodes.MODEL_AUTHENTICATION_FAILED, text + " Check the API key and its permissions.",
                    false, partialText, cause);
            case "invalid_request_error", "not_found_error", "request_too_large", "context_length_exceeded" ->
                    new ModelException(ErrorCodes.MODEL_BAD_REQUEST, text, false, partialText, cause);
            case "server_error", "api_error", "internal_error", "internal_server_error", "service_unavailable" ->
                    new ModelException(ErrorCodes.MODEL_ERROR, text, true, partialText, cause);
            case "timeout", "timeout_error" ->
                    new ModelException(ErrorCodes.MODEL_UNAVAILABLE, text, true, partialText, cause);
            default -> new ModelException(ErrorCodes.MODEL_ERROR, text, false, partialText, cause);
        };
    }

    private static ModelException withPartialText(ModelException e, String partialText) {
        if (partialText == null || partialText.isEmpty() || !e.partialText().isEmpty()) {
            return e;
        }
        ModelException copy = new ModelException(e.code(), e.getMessage(), e.retryable(), partialText, e.getCause());
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    private static ModelException anthropicStreamError(Throwable t, String partialText) {
        String type = anthropicErrorType(t);
        if (type == null && t.getMessage() != null && t.getMessage().strip().equalsIgnoreCase("overloaded")) {
            type = "overloaded_error";
        }
        return forProviderErrorType(type, t.getMessage(), partialText, t);
    }

    private static String anthropicErrorType(Throwable t) {
        try {
            Object type = t.getClass().getMethod("type").invoke(t);
            return type instanceof String s ? s : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static ModelException langChain4jError(LangChain4jException t, String partialText) {
        String detail = sentence(describe(t));
        if (t instanceof RateLimitException) {
            return new ModelException(ErrorCodes.MODEL_RATE_LIMITED,
                    "The model provider's rate limit was reached: " + detail + " Retry later.", true, partialText, t);
        }

        if (t instanceof TimeoutException) {
            return new ModelException(ErrorCodes.MODEL_UNAVAILABLE,
                    "The model call timed out: " + detail, true, partialText, t);
        }

        if (t instanceof InternalServerException) {
            boolean overloaded = t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("overloaded");
            return new ModelException(overloaded ? ErrorCodes.MODEL_OVERLOADED : ErrorCodes.MODEL_ERROR,
                    "The model provider failed: " + detail, true, partialText, t);
        }

        if (t instanceof AuthenticationException) {
            return new ModelException(ErrorCodes.MODEL_AUTHENTICATION_FAILED,
                    "The model provider rejected the credentials: " + detail
                            + " Check the API key and its permissions.", false, partialText, t);
        }

        if (t instanceof ModelNotFoundException) {
            return new ModelException(ErrorCodes.MODEL_BAD_REQUEST,
                    "The model was not found: " + detail + " Check the model name.", false, partialText, t);
        }

        if (t instanceof InvalidRequestException) {
            return new ModelException(ErrorCodes.MODEL_BAD_REQUEST,
                    "The model provider rejected the request as invalid: " + detail, false, partialText, t);
        }

        if (t instanceof UnresolvedModelServerException) {
            return new ModelException(ErrorCodes.MODEL_UNAVAILABLE,
                    "The model server's address could not be resolved: " + detail + " Check the base URL.",
                    false, partialText, t);
        }

        IOException io = findCause(t, IOException.class);
        if (io != null) {
            return unavailable(io, partialText, t);
        }

        if (t instanceof RetriableException) {
            return new ModelException(ErrorCodes.MODEL_ERROR, "Model call failed with " + detail, true, partialText, t);
        }

        return new ModelException(ErrorCodes.MODEL_ERROR, "Model call failed with " + detail, false, partialText, t);
    }

    private static ModelException unavailable(IOException io, String partialText, Throwable cause) {
        return new ModelException(ErrorCodes.MODEL_UNAVAILABLE,
                "The model provider could not be reached or the connection failed: " + sentence(describe(io)),
                true, partialText, cause);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        for (int depth = 0; depth < MAX_CAUSE_DEPTH && current != null && current.getCause() != null; depth++) {
            boolean wrapper = current instanceof CompletionException
                    || current instanceof ExecutionException
                    || current instanceof InvocationTargetException
                    || current instanceof UncheckedIOException;
            if (!wrapper) {
                break;
            }
            current = current.getCause();
        }
        return current;
    }

    private static <T extends Throwable> T findCause(Throwable t, Class<T> type) {
        Throwable current = t;
        for (int depth = 0; depth < MAX_CAUSE_DEPTH && current != null; depth++) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
            current = current.getCause();
        }
        return null;
    }

    // Ends the text with a full stop unless it already ends a sentence, so that advice can follow.
    private static String sentence(String text) {
        String stripped = text.strip();
        char last = stripped.charAt(stripped.length() - 1);
        return last == '.' || last == '!' || last == '?' ? stripped : stripped + ".";
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getName() + (message == null || message.isBlank() ? "" : ": " + message.strip());
    }
}
