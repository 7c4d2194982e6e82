package dev.agentforge.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.event.ErrorCodes;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelErrorsTest {

    /**
     * Has the simple name and shape of LangChain4j 1.19.0's Anthropic stream error, which core
     * does not depend on. The server module tests the real class.
     */
    public static class AnthropicStreamingException extends LangChain4jException {
        private final String type;

        AnthropicStreamingException(String message, String type) {
            super(message);
            this.type = type;
        }

        public String type() {
            return type;
        }
    }

    @Test
    void modelExceptionPassedThrough() {
        ModelException original = new ModelException(ErrorCodes.MODEL_RATE_LIMITED, "slow down", true, "abc");

        ModelException classified = ModelErrors.classify(original, "other");

        assertThat(classified).isSameAs(original);
    }

    @Test
    void modelExceptionGetsMissingPartialText() {
        ModelException original = new ModelException(ErrorCodes.MODEL_OVERLOADED, "busy", true, null);

        ModelException classified = ModelErrors.classify(original, "Let me");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_OVERLOADED);
        assertThat(classified.getMessage()).isEqualTo("busy");
        assertThat(classified.retryable()).isTrue();
        assertThat(classified.partialText()).isEqualTo("Let me");
    }

    @Test
    void nullPartialTextBecomesEmpty() {
        ModelException classified = ModelErrors.classify(new RateLimitException("slow"), null);

        assertThat(classified.partialText()).isEmpty();
    }

    @Test
    void rateLimitException() {
        ModelException classified = ModelErrors.classify(new RateLimitException("Too many requests"), "p");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_RATE_LIMITED);
        assertThat(classified.retryable()).isTrue();
        assertThat(classified.partialText()).isEqualTo("p");
        assertThat(classified.getMessage()).contains("Too many requests");
    }

    @Test
    void authenticationException() {
        ModelException classified = ModelErrors.classify(new AuthenticationException("invalid x-api-key"), "");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_AUTHENTICATION_FAILED);
        assertThat(classified.retryable()).isFalse();
    }

    @Test
    void invalidRequestException() {
        ModelException classified = ModelErrors.classify(new InvalidRequestException("max_tokens too large"), "");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_BAD_REQUEST);
        assertThat(classified.retryable()).isFalse();
        assertThat(classified.getMessage()).contains("max_tokens too large");
    }

    @Test
    void contentFilteredException() {
        ModelException classified = ModelErrors.classify(new ContentFilteredException("filtered"), "");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_BAD_REQUEST);
        assertThat(classified.retryable()).isFalse();
    }

    @Test
    void modelNotFoundException() {
        ModelException classified = ModelErrors.classify(new ModelNotFoundException("no such model"), "");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_BAD_REQUEST);
        assertThat(classified.retryable()).isFalse();
        assertThat(classified.getMessage()).contains("model name");
    }

    @Test
    void timeoutException() {
        ModelException classified = ModelErrors.classify(new TimeoutException("read timed out"), "");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_UNAVAILABLE);
        assertThat(classified.retryable()).isTrue();
    }

    @Test
    void internalServerException() {
        ModelException classified = ModelErrors.classify(new InternalServerException("boom"), "");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_ERROR);
        assertThat(classified.retryable()).isTrue();
    }

    @Test
    void internalServerExceptionOverloaded() {
        ModelException classified = ModelErrors.classify(new InternalServerException("Overloaded"), "");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_OVERLOADED);
        assertThat(classified.retryable()).isTrue();
    }

    @Test
    void unresolvedModelServerException() {
        ModelException classified = ModelErrors.classify(new UnresolvedModelServerException("unknown host"), "");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_UNAVAILABLE);
        assertThat(classified.retryable()).isFalse();
    }

    @Test
    void genericRetriableAndNonRetriable() {
        ModelException retriable = ModelErrors.classify(new RetriableException("try again"), "");
        ModelException nonRetriable = ModelErrors.classify(new NonRetriableException("give up"), "");

        assertThat(retriable.code()).isEqualTo(ErrorCodes.MODEL_ERROR);
        assertThat(retriable.retryable()).isTrue();
        assertThat(nonRetriable.code()).isEqualTo(ErrorCodes.MODEL_ERROR);
        assertThat(nonRetriable.retryable()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "401, model_authentication_failed, false",
        "403, model_authentication_failed, false",
        "408, model_unavailable, true",
        "400, model_bad_request, false",
        "404, model_bad_request, false",
        "422, model_bad_request, false",
        "429, model_rate_limited, true",
        "500, model_error, true",
        "502, model_error, true",
        "503, model_overloaded, true",
        "504, model_error, true",
        "529, model_overloaded, true",
    })
    void httpExceptionByStatus(int status, String code, boolean retryable) {
        ModelException classified = ModelErrors.classify(new HttpException(status, "{\"error\":\"x\"}"), "p");

        assertThat(classified.code()).isEqualTo(code);
        assertThat(classified.retryable()).isEqualTo(retryable);
        assertThat(classified.partialText()).isEqualTo("p");
        assertThat(classified.getMessage()).contains("HTTP " + status);
    }

    @Test
    void httpExceptionFoundAsCause() {
        LangChain4jException wrapped = new InternalServerException(new HttpException(529, "overloaded_error"));

        ModelException classified = ModelErrors.classify(wrapped, "");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_OVERLOADED);
        assertThat(classified.retryable()).isTrue();
    }

    @Test
    void anthropicStreamingOverloaded() {
        ModelException classified = ModelErrors.classify(
                new AnthropicStreamingException(
                        "Overloaded", "overloaded_error"),
                "Let me check");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_OVERLOADED);
        assertThat(classified.retryable()).isTrue();
        assertThat(classified.partialText()).isEqualTo("Let me check");
        assertThat(classified.getMessage()).contains("overloaded_error").contains("Overloaded");
    }

    @Test
    void anthropicStreamingMatchedByMessageWithoutType() {
        ModelException classified = ModelErrors.classify(
                new AnthropicStreamingException("Overloaded", null), "");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_OVERLOADED);
        assertThat(classified.retryable()).isTrue();
    }

    @Test
    void anthropicStreamingOtherTypes() {
        ModelException rateLimited = ModelErrors.classify(
                new AnthropicStreamingException(
                        "Rate limited", "rate_limit_error"), "");
        ModelException apiError = ModelErrors.classify(
                new AnthropicStreamingException(
                        "Internal error", "api_error"), "");
        ModelException invalid = ModelErrors.classify(
                new AnthropicStreamingException(
                        "Bad", "invalid_request_error"), "");

        assertThat(rateLimited.code()).isEqualTo(ErrorCodes.MODEL_RATE_LIMITED);
        assertThat(rateLimited.retryable()).isTrue();
        assertThat(apiError.code()).isEqualTo(ErrorCodes.MODEL_ERROR);
        assertThat(apiError.retryable()).isTrue();
        assertThat(invalid.code()).isEqualTo(ErrorCodes.MODEL_BAD_REQUEST);
        assertThat(invalid.retryable()).isFalse();
    }

    @Test
    void ioFailuresUnavailable() {
        ModelException connect = ModelErrors.classify(new ConnectException("Connection refused"), "");
        ModelException timeout = ModelErrors.classify(new HttpTimeoutException("request timed out"), "");
        ModelException wrapped = ModelErrors.classify(
                new RuntimeException("call failed", new UncheckedIOException(new IOException("reset"))), "");

        assertThat(connect.code()).isEqualTo(ErrorCodes.MODEL_UNAVAILABLE);
        assertThat(connect.retryable()).isTrue();
        assertThat(timeout.code()).isEqualTo(ErrorCodes.MODEL_UNAVAILABLE);
        assertThat(timeout.retryable()).isTrue();
        assertThat(wrapped.code()).isEqualTo(ErrorCodes.MODEL_UNAVAILABLE);
    }

    @Test
    void concurrentTimeoutUnavailable() {
        ModelException classified = ModelErrors.classify(
                new java.util.concurrent.TimeoutException("no response in 60 s"), "");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_UNAVAILABLE);
        assertThat(classified.retryable()).isTrue();
    }

    @Test
    void wrappersUnwrapped() {
        ModelException completion = ModelErrors.classify(new CompletionException(new RateLimitException("slow")), "");
        ModelException execution = ModelErrors.classify(
                new ExecutionException(new AuthenticationException("bad key")), "");

        assertThat(completion.code()).isEqualTo(ErrorCodes.MODEL_RATE_LIMITED);
        assertThat(execution.code()).isEqualTo(ErrorCodes.MODEL_AUTHENTICATION_FAILED);
    }

    @Test
    void unknownExceptionNamesClassAndMessage() {
        ModelException classified = ModelErrors.classify(
                new IllegalArgumentException("name cannot be null or blank"), "partial");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_ERROR);
        assertThat(classified.retryable()).isFalse();
        assertThat(classified.partialText()).isEqualTo("partial");
        assertThat(classified.getMessage())
                .contains("java.lang.IllegalArgumentException")
                .contains("name cannot be null or blank");
        assertThat(classified.getCause()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullFailure() {
        ModelException classified = ModelErrors.classify(null, "x");

        assertThat(classified.code()).isEqualTo(ErrorCodes.MODEL_ERROR);
        assertThat(classified.partialText()).isEqualTo("x");
    }

    @ParameterizedTest
    @CsvSource({
        "overloaded_error, model_overloaded, true",
        "rate_limit_exceeded, model_rate_limited, true",
        "insufficient_quota, model_rate_limited, false",
        "invalid_api_key, model_authentication_failed, false",
        "invalid_request_error, model_bad_request, false",
        "server_error, model_error, true",
        "something_else, model_error, false",
    })
    void providerErrorTypes(String type, String code, boolean retryable) {
        ModelException classified = ModelErrors.forProviderErrorType(type, "details", "p");

        assertThat(classified.code()).isEqualTo(code);
        assertThat(classified.retryable()).isEqualTo(retryable);
        assertThat(classified.partialText()).isEqualTo("p");
        assertThat(classified.getMessage()).contains(type).contains("details");
    }
}
