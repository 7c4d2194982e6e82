package dev.agentforge.model.openai;

import dev.agentforge.event.ErrorCodes;
import dev.agentforge.model.ModelErrors;
import dev.agentforge.model.ModelException;
import dev.agentforge.transport.SseParser;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One streamed chat completion request, run on its own virtual thread. It calls the handler's
 * {@code onCompleteResponse} or {@code onError} once, and neither after it was cancelled.
 */
final class ChatCompletionCall implements StreamingHandle {

    private static final Logger log = LoggerFactory.getLogger(OpenAiCompatibleChatModel.class);

    private static final int READ_BUFFER_BYTES = 8192;
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    private static final int MAX_ERROR_DETAIL_CHARS = 1000;

    private final HttpClient client;
    private final HttpRequest request;
    private final StreamingChatResponseHandler handler;
    private final JsonMapper mapper;
    private final Duration idleTimeout;
    private final InstantSource clock;
    private final IdleWatchdog.Scheduler scheduler;

    private final AtomicBoolean terminated = new AtomicBoolean();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private volatile boolean cancelled;
    private volatile boolean idleTimedOut;
    private volatile boolean blocking;
    private volatile CompletableFuture<HttpResponse<InputStream>> responseFuture;
    private volatile InputStream body;
    private volatile Thread worker;

    ChatCompletionCall(HttpClient client, HttpRequest request, StreamingChatResponseHandler handler,
            JsonMapper mapper, Duration idleTimeout, InstantSource clock, IdleWatchdog.Scheduler scheduler) {
        this.client = client;
        this.request = request;
        this.handler = handler;
        this.mapper = mapper;
        this.idleTimeout = idleTimeout;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    /** Starts the request on a new virtual thread. */
    void start() {
        Thread thread = Thread.ofVirtual().name("agentforge-openai-stream").unstarted(this::run);
        worker = thread;
        thread.start();
    }

    /**
     * Aborts the request: cancels the pending response, closes the body stream and interrupts the
     * worker while it waits for the network. The handler gets no callback after this returns,
     * except one that was already running.
     */
    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        log.debug("Cancelling chat completion request to {}", request.uri());
        abort();
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    /** Completes when the worker thread has finished, after any callback. */
    CompletableFuture<Void> finished() {
        return finished;
    }

    private void run() {
        ChatCompletionStream stream = new ChatCompletionStream(mapper, handler, this);
        IdleWatchdog watchdog = new IdleWatchdog(idleTimeout, clock, scheduler, this::onIdleTimeout);
        try {
            HttpResponse<InputStream> response = awaitResponse();
            body = response.body();
            if (cancelled) {
                return;
            }
            watchdog.start();
            int status = response.statusCode();
            if (status < 200 || status >= 300) {
                String errorBody = readErrorBody(watchdog);
                fail(httpError(status, errorBody));
                return;
            }
            if (isJson(response)) {
                fail(jsonInsteadOfStream(readErrorBody(watchdog)));
                return;
            }
            readEvents(stream, watchdog);
            ChatResponse chatResponse = stream.finish();
            watchdog.stop();
            closeBody();
            complete(chatResponse);
        } catch (ModelException e) {
            fail(e);
        } catch (ChatCompletionStream.HandlerException e) {
            Throwable cause = e.getCause();
            fail(new ModelException(ErrorCodes.INTERNAL_ERROR,
                    "The streaming response handler threw " + cause.getClass().getName() + ": " + cause.getMessage(),
                    false, stream.partialText(), cause));
        } catch (InterruptedException e) {
            fail(transportError(e, stream.partialText()));
        } catch (ExecutionException e) {
            fail(transportError(e.getCause(), stream.partialText()));
        } catch (IOException | CancellationException e) {
            fail(transportError(e, stream.partialText()));
        } catch (RuntimeException e) {
            fail(new ModelException(ErrorCodes.INTERNAL_ERROR,
                    "Unexpected failure while streaming from " + request.uri() + ": " + e,
                    false, stream.partialText(), e));
        } finally {
            watchdog.stop();
            closeBody();
            finished.complete(null);
        }
    }

    private HttpResponse<InputStream> awaitResponse() throws InterruptedException, ExecutionException {
        CompletableFuture<HttpResponse<InputStream>> future =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        responseFuture = future;
        if (cancelled) {
            future.cancel(true);
        }
        blocking = true;
        try {
            return future.get();
        } finally {
            blocking = false;
        }
    }

    private void readEvents(ChatCompletionStream stream, IdleWatchdog watchdog) throws IOException {
        SseParser parser = new SseParser(stream::accept);
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        while (!stream.isDone() && !cancelled) {
            int count = read(buffer);
            if (count < 0) {
                parser.end();
                return;
            }
            watchdog.touch();
            parser.feed(buffer, 0, count);
        }
    }

    private int read(byte[] buffer) throws IOException {
        blocking = true;
        try {
            return body.read(buffer);
        } finally {
            blocking = false;
        }
    }

    private String readErrorBody(IdleWatchdog watchdog) throws IOException {
        byte[] bytes = new byte[MAX_ERROR_BODY_BYTES];
        int length = 0;
        while (length < bytes.length) {
            int count;
            blocking = true;
            try {
                count = body.read(bytes, length, bytes.length - length);
            } finally {
                blocking = false;
            }
            if (count < 0) {
                break;
            }
            watchdog.touch();
            length += count;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    private ModelException httpError(int status, String errorBody) {
        String message = null;
        String type = null;
        try {
            JsonNode root = mapper.readTree(errorBody);
            JsonNode error = root.path("error");
            if (error.isObject()) {
                message = textOrNull(error.get("message"));
                type = textOrNull(error.get("code"));
                if (type == null) {
                    type = textOrNull(error.get("type"));
                }
            } else if (error.isString()) {
                message = error.stringValue();
            }
            if (message == null) {
                message = textOrNull(root.get("message"));
            }
            if (message == null && root.has("detail")) {
                JsonNode detail = root.get("detail");
                message = detail.isString() ? detail.stringValue() : detail.toString();
            }
        } catch (JacksonException notJson) {
            // The body is quoted below as it is.
        }
        if (message == null) {
            message = errorBody.isBlank() ? "empty response body" : errorBody.strip();
        }
        if (message.length() > MAX_ERROR_DETAIL_CHARS) {
            message = message.substring(0, MAX_ERROR_DETAIL_CHARS) + "...";
        }
        String detail = "POST " + request.uri() + ": " + message;
        if ("insufficient_quota".equals(type)) {
            return ModelErrors.forProviderErrorType(type, detail, "");
        }
        return ModelErrors.forHttpStatus(status, detail, "", null);
    }

    private static boolean isJson(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type")
                .map(type -> type.toLowerCase(Locale.ROOT).startsWith("application/json"))
                .orElse(false);
    }

    // Some gateways return an error with status 200 and a JSON body, and some servers ignore
    // "stream": true and send the whole completion as JSON.
    private ModelException jsonInsteadOfStream(String jsonBody) {
        try {
            JsonNode error = mapper.readTree(jsonBody).path("error");
            if (error.isObject()) {
                String type = textOrNull(error.get("type"));
                return ModelErrors.forProviderErrorType(type != null ? type : textOrNull(error.get("code")),
                        textOrNull(error.get("message")), "");
            }
        } catch (JacksonException notJson) {
            // Reported below as an unexpected body.
        }
        String quoted = jsonBody.length() > MAX_ERROR_DETAIL_CHARS
                ? jsonBody.substring(0, MAX_ERROR_DETAIL_CHARS) + "..." : jsonBody;
        return new ModelException(ErrorCodes.MODEL_ERROR, "POST " + request.uri()
                + " returned a JSON body instead of an event stream, so the endpoint does not stream chat"
                + " completions: " + quoted.strip(), false, "");
    }

    private ModelException transportError(Throwable t, String partialText) {
        URI uri = request.uri();
        if (idleTimedOut) {
            return new ModelException(ErrorCodes.MODEL_UNAVAILABLE,
                    "No data arrived from " + uri + " for " + idleTimeout + ", so the stream was closed."
                            + " Raise idleTimeout if the model pauses longer than that.",
                    true, partialText, t);
        }
        if (t instanceof HttpConnectTimeoutException) {
            return new ModelException(ErrorCodes.MODEL_UNAVAILABLE,
                    "Connecting to " + uri + " timed out: " + t.getMessage()
                            + ". Check the base URL and that the server is running.",
                    true, partialText, t);
        }
        if (t instanceof HttpTimeoutException) {
            return new ModelException(ErrorCodes.MODEL_UNAVAILABLE,
                    "No response from " + uri + " within the request timeout of "
                            + request.timeout().map(Duration::toString).orElse("(none)") + ".",
                    true, partialText, t);
        }
        if (t instanceof ConnectException) {
            return new ModelException(ErrorCodes.MODEL_UNAVAILABLE,
                    "Could not connect to " + uri + ": " + t
                            + ". Check the base URL and that the server is running.",
                    true, partialText, t);
        }
        if (t instanceof IOException) {
            return new ModelException(ErrorCodes.MODEL_UNAVAILABLE,
                    "The connection to " + uri + " failed: " + t, true, partialText, t);
        }
        if (t instanceof InterruptedException || t instanceof CancellationException) {
            return new ModelException(ErrorCodes.MODEL_UNAVAILABLE,
                    "The request to " + uri + " was interrupted: " + t, true, partialText, t);
        }
        return ModelErrors.classify(t, partialText);
    }

    private void complete(ChatResponse response) {
        if (cancelled || !terminated.compareAndSet(false, true)) {
            return;
        }
        log.debug("Chat completion from {} finished with {}", request.uri(), response.finishReason());
        try {
            handler.onCompleteResponse(response);
        } catch (RuntimeException e) {
            log.warn("The streaming response handler's onCompleteResponse threw for {}", request.uri(), e);
        }
    }

    private void fail(ModelException error) {
        if (cancelled) {
            log.debug("Chat completion request to {} ended after cancellation: {}", request.uri(), error.getMessage());
            return;
        }
        if (!terminated.compareAndSet(false, true)) {
            return;
        }
        log.debug("Chat completion request to {} failed with {} (retryable {}): {}",
                request.uri(), error.code(), error.retryable(), error.getMessage());
        try {
            handler.onError(error);
        } catch (RuntimeException e) {
            log.warn("The streaming response handler's onError threw for {}", request.uri(), e);
        }
    }

    private void onIdleTimeout() {
        log.debug("No data from {} for {}, closing the stream", request.uri(), idleTimeout);
        idleTimedOut = true;
        abort();
    }

    private void abort() {
        CompletableFuture<HttpResponse<InputStream>> future = responseFuture;
        if (future != null) {
            future.cancel(true);
        }
        closeBody();
        // Reading the body blocks on a queue that closing does not always wake, so the worker is
        // interrupted too, but only while it waits for the network and never inside a callback.
        Thread thread = worker;
        if (thread != null && thread != Thread.currentThread() && blocking) {
            thread.interrupt();
        }
    }

    private void closeBody() {
        InputStream stream = body;
        if (stream == null) {
            return;
        }
        try {
            stream.close();
        } catch (IOException e) {
            log.debug("Closing the response body from {} failed", request.uri(), e);
        }
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isString() ? node.stringValue() : null;
    }
}
