package dev.agentforge.model.openai;

import dev.agentforge.event.ErrorCodes;
import dev.agentforge.model.ModelErrors;
import dev.agentforge.model.ModelException;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A chat model for OpenAI-compatible {@code /chat/completions} endpoints (OpenAI, Ollama, vLLM
 * and gateways), on the JDK HTTP client and {@link dev.agentforge.transport.SseParser}.
 *
 * <p>Every request streams. Text deltas go to {@code onPartialResponse}, {@code reasoning_content}
 * and {@code reasoning} deltas to {@code onPartialThinking}, and tool-call fragments are merged
 * by index and id, so interleaved fragments of parallel calls assemble correctly. A response
 * completes only when it has a {@code finish_reason} and the {@code [DONE]} marker. Every failure
 * reaches the handler once as a {@link ModelException} that keeps the text streamed so far, and
 * {@code onCompleteResponse} never follows it.
 *
 * <p>The blocking {@link #doChat(ChatRequest)} collects the same stream. Each instance creates
 * one {@link HttpClient} for all its requests, and {@link #close()} shuts it down.
 */
public final class OpenAiCompatibleChatModel implements StreamingChatModel, ChatModel, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpenAiCompatibleChatModel.class);

    private final URI chatCompletionsUri;
    private final String baseUrl;
    private final String apiKey;
    private final String modelName;
    private final Double temperature;
    private final Duration requestTimeout;
    private final Duration idleTimeout;
    private final Map<String, String> headers;
    private final InstantSource clock;
    private final IdleWatchdog.Scheduler scheduler;
    private final HttpClient httpClient;
    private final JsonMapper mapper = JsonMapper.builder().build();
    private final ChatCompletionRequestWriter requestWriter = new ChatCompletionRequestWriter(mapper);

    private OpenAiCompatibleChatModel(Builder builder) {
        this.baseUrl = builder.baseUrl;
        this.chatCompletionsUri = builder.chatCompletionsUri;
        this.apiKey = builder.apiKey;
        this.modelName = builder.modelName;
        this.temperature = builder.temperature;
        this.requestTimeout = builder.requestTimeout;
        this.idleTimeout = builder.idleTimeout;
        this.headers = Map.copyOf(builder.headers);
        this.clock = builder.clock;
        this.scheduler = builder.scheduler;
        this.httpClient = HttpClient.newBuilder()
                .connectTimeout(builder.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Creates a builder. {@code baseUrl} and {@code modelName} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the base URL that requests go to, without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Returns the model used when a request names none. */
    public String modelName() {
        return modelName;
    }

    /**
     * Streams a chat completion. Returns at once, and the handler is called on a virtual thread.
     * Use {@link #stream(ChatRequest, StreamingChatResponseHandler)} to get a handle for
     * cancelling, or the handle in the partial response callbacks' context.
     */
    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        stream(request, handler);
    }

    /**
     * Streams a chat completion and returns a handle that aborts the HTTP request when cancelled.
     * After {@link StreamingHandle#cancel()} returns, the handler receives no further callbacks
     * except one that was already running.
     *
     * <p>A request that cannot be converted, for example one with audio content, is reported to
     * {@code handler.onError} before this returns, with code {@link ErrorCodes#MODEL_BAD_REQUEST}.
     */
    public StreamingHandle stream(ChatRequest request, StreamingChatResponseHandler handler) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(handler, "handler");
        HttpRequest httpRequest;
        try {
            httpRequest = httpRequest(request);
        } catch (IllegalArgumentException e) {
            handler.onError(new ModelException(ErrorCodes.MODEL_BAD_REQUEST,
                    "Invalid chat request: " + e.getMessage(), false, "", e));
            return new FinishedHandle();
        }
        log.debug("Streaming chat completion from {} with model {} ({} messages, {} tools)",
                chatCompletionsUri, effectiveModelName(request), request.messages().size(),
                request.toolSpecifications() == null ? 0 : request.toolSpecifications().size());
        ChatCompletionCall call = new ChatCompletionCall(
                httpClient, httpRequest, handler, mapper, idleTimeout, clock, scheduler);
        call.start();
        return call;
    }

    /**
     * Sends a chat completion and waits for the whole streamed response.
     *
     * @throws ModelException if the request failed, with the code and partial text
     * @throws CancellationException if the calling thread was interrupted, which aborts the
     *     request and keeps the thread's interrupt status set
     */
    @Override
    public ChatResponse doChat(ChatRequest request) {
        CompletableFuture<ChatResponse> result = new CompletableFuture<>();
        StreamingHandle handle = stream(request, new StreamingChatResponseHandler() {
            @Override
            public void onCompleteResponse(ChatResponse response) {
                result.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                result.completeExceptionally(error);
            }
        });
        try {
            return result.get();
        } catch (InterruptedException e) {
            handle.cancel();
            Thread.currentThread().interrupt();
            CancellationException cancelled = new CancellationException("The chat completion request to "
                    + chatCompletionsUri + " was cancelled because the calling thread was interrupted.");
            cancelled.initCause(e);
            throw cancelled;
        } catch (ExecutionException e) {
            throw ModelErrors.classify(e.getCause(), "");
        }
    }

    /** Returns the builder's model name and temperature as defaults for every request. */
    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return ChatRequestParameters.builder().modelName(modelName).temperature(temperature).build();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return List.of();
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /** Returns no capabilities, because compatible servers differ in what they support. */
    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of();
    }

    /** Shuts down the HTTP client and aborts requests still running. */
    @Override
    public void close() {
        httpClient.shutdownNow();
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleChatModel[baseUrl=" + baseUrl + ", modelName=" + modelName + "]";
    }

    private String effectiveModelName(ChatRequest request) {
        return request.modelName() != null ? request.modelName() : modelName;
    }

    private HttpRequest httpRequest(ChatRequest request) {
        ObjectNode body = requestWriter.write(request, modelName, temperature);
        HttpRequest.Builder builder = HttpRequest.newBuilder(chatCompletionsUri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)));
        if ("http".equals(chatCompletionsUri.getScheme())) {
            // Plain-text HTTP/2 upgrade requests confuse some local servers.
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        boolean customAuthorization = headers.keySet().stream().anyMatch("authorization"::equalsIgnoreCase);
        if (apiKey != null && !customAuthorization) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        headers.forEach(builder::header);
        return builder.build();
    }

    /** A handle for a request that failed before it was sent. */
    private static final class FinishedHandle implements StreamingHandle {
        @Override
        public void cancel() {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    }

    /**
     * Configures an {@link OpenAiCompatibleChatModel}. Defaults: connect timeout 10 s, request
     * timeout (until the response headers arrive) 60 s, idle timeout (the longest gap between
     * bytes of the streamed body) 120 s, no API key, no temperature.
     */
    public static final class Builder {

        private String baseUrl;
        private URI chatCompletionsUri;
        private String apiKey;
        private String modelName;
        private Double temperature;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private Duration idleTimeout = Duration.ofSeconds(120);
        private final Map<String, String> headers = new LinkedHashMap<>();
        private InstantSource clock = InstantSource.system();
        private IdleWatchdog.Scheduler scheduler = IdleWatchdog.DEFAULT_SCHEDULER;

        private Builder() {
        }

        /**
         * Sets the base URL that {@code /chat/completions} is appended to, for example
         * {@code https://api.openai.com/v1} or {@code http://127.0.0.1:11434/v1}. Required.
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** Sets the API key, sent as {@code Authorization: Bearer}. Optional for local servers. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** Sets the model used when a request names none. Required. */
        public Builder modelName(String modelName) {
            this.modelName = modelName;
            return this;
        }

        /** Sets the temperature used when a request sets none. */
        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Sets the maximum time to open a connection. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Sets the maximum time from sending the request until the response headers arrive. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Sets the maximum gap between two reads of the streamed body before the request fails. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** Adds a header sent with every request. An {@code Authorization} header replaces the API key's. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Adds headers sent with every request. */
        public Builder headers(Map<String, String> headers) {
            headers.forEach(this::header);
            return this;
        }

        Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        Builder idleScheduler(IdleWatchdog.Scheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /**
         * Builds the model.
         *
         * @throws IllegalArgumentException if {@code baseUrl} or {@code modelName} is missing or
         *     invalid, a timeout is not positive, or a header is not allowed
         */
        public OpenAiCompatibleChatModel build() {
            chatCompletionsUri = chatCompletionsUri(baseUrl);
            baseUrl = chatCompletionsUri.toString().substring(
                    0, chatCompletionsUri.toString().length() - "/chat/completions".length());
            if (modelName == null || modelName.isBlank()) {
                throw new IllegalArgumentException(
                        "modelName is required: pass the model's id, for example gpt-4o-mini or llama3.1.");
            }
            checkPositive("connectTimeout", connectTimeout);
            checkPositive("requestTimeout", requestTimeout);
            checkPositive("idleTimeout", idleTimeout);
            if (apiKey != null && apiKey.isBlank()) {
                apiKey = null;
            }
            checkHeaders();
            return new OpenAiCompatibleChatModel(this);
        }

        private static URI chatCompletionsUri(String baseUrl) {
            if (baseUrl == null || baseUrl.isBlank()) {
                throw new IllegalArgumentException("baseUrl is required: pass the endpoint's base URL, "
                        + "for example https://api.openai.com/v1 or http://127.0.0.1:11434/v1.");
            }
            String trimmed = baseUrl.strip();
            while (trimmed.endsWith("/")) {
                trimmed = trimmed.substring(0, trimmed.length() - 1);
            }
            URI uri;
            try {
                uri = new URI(trimmed + "/chat/completions");
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("Invalid baseUrl \"" + baseUrl + "\": " + e.getMessage()
                        + ". Pass an absolute http or https URL such as http://127.0.0.1:11434/v1.", e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((!scheme.equals("http") && !scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("Invalid baseUrl \"" + baseUrl
                        + "\": expected an absolute http or https URL such as http://127.0.0.1:11434/v1.");
            }
            return uri;
        }

        private static void checkPositive(String name, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(
                        "Invalid " + name + " " + value + ": pass a positive duration, for example Duration.ofSeconds(30).");
            }
        }

        private void checkHeaders() {
            HttpRequest.Builder probe = HttpRequest.newBuilder(chatCompletionsUri);
            for (Map.Entry<String, String> header : headers.entrySet()) {
                try {
                    probe.header(header.getKey(), header.getValue());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Invalid header \"" + header.getKey()
                            + "\": " + e.getMessage() + ". Fix its name or value, or remove it if the HTTP client sets it.", e);
                }
            }
        }
    }
}
