package dev.agentforge.resource.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Builds JDK {@link HttpClient}s from {@link HttpClientSettings} and keeps one shared client with the
 * default settings. A client is thread-safe and pools its connections, so tools and model clients
 * should share one instead of building their own.
 */
public final class HttpClients {

    private HttpClients() {
    }

    /**
     * Builds a client from the settings. Its executor starts a virtual thread per task, so handlers
     * that block do not hold platform threads.
     *
     * <p>{@link HttpClient#close()} does not shut down a supplied executor. This one keeps no threads
     * while idle, so a closed or dropped client leaves nothing running.
     */
    public static HttpClient create(HttpClientSettings settings) {
        Objects.requireNonNull(settings, "settings");
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("agentforge-http-", 0).factory());
        return HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .version(settings.version())
                .followRedirects(settings.redirect())
                .executor(executor)
                .build();
    }

    /**
     * Returns the JVM-wide client with {@link HttpClientSettings#defaults()}, built on first use. Do
     * not close it, because other callers share it.
     */
    public static HttpClient shared() {
        return Shared.CLIENT;
    }

    /** Starts a request to {@code uri} with the request timeout of the settings. */
    public static HttpRequest.Builder newRequest(URI uri, HttpClientSettings settings) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(settings, "settings");
        return HttpRequest.newBuilder(uri).timeout(settings.requestTimeout());
    }

    /** Starts a request to {@code uri} with the default request timeout, for use with {@link #shared()}. */
    public static HttpRequest.Builder newRequest(URI uri) {
        return newRequest(uri, HttpClientSettings.defaults());
    }

    // Holder class, so the shared client is built only when first requested.
    private static final class Shared {
        static final HttpClient CLIENT = create(HttpClientSettings.defaults());
    }
}
