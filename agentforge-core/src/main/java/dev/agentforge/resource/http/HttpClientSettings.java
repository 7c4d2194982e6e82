package dev.agentforge.resource.http;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a JDK {@link HttpClient} built by {@link HttpClients}.
 *
 * <p>The JDK client pools connections itself and has no per-client pool settings. JVM-wide system
 * properties control the pool (defaults from the JDK 25 {@code java.net.http} module documentation):
 * {@code jdk.httpclient.connectionPoolSize}, the maximum number of idle HTTP/1.1 connections kept,
 * default 0 (no limit), and {@code jdk.httpclient.keepalive.timeout}, the seconds an idle connection
 * is kept, default 30, for HTTP/1.1 and HTTP/2 ({@code jdk.httpclient.keepalive.timeout.h2} overrides
 * it for HTTP/2). Set them with {@code -D} on the command line, before the first client is built.
 *
 * @param connectTimeout how long opening a TCP connection may take
 * @param requestTimeout the timeout {@link HttpClients#newRequest} sets on each request: how long to
 *     wait for the response, as {@link java.net.http.HttpRequest.Builder#timeout} defines it
 * @param version the preferred HTTP version; with {@code HTTP_2} the client falls back to HTTP/1.1
 *     when the server does not support HTTP/2
 * @param redirect when the client follows redirects
 */
public record HttpClientSettings(
        Duration connectTimeout,
        Duration requestTimeout,
        HttpClient.Version version,
        HttpClient.Redirect redirect) {

    /** The connect timeout when none is set. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** The request timeout when none is set. Model responses can take this long to start. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if a timeout is not positive
     */
    public HttpClientSettings {
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("requestTimeout", requestTimeout);
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(redirect, "redirect");
    }

    /**
     * Returns the defaults: connect timeout 10 s, request timeout 60 s, HTTP/2 with fallback to
     * HTTP/1.1 (the JDK default), and redirects followed except from HTTPS to HTTP
     * ({@link HttpClient.Redirect#NORMAL}; the JDK default is {@code NEVER}).
     */
    public static HttpClientSettings defaults() {
        return builder().build();
    }

    /** Starts settings with every value at its default. */
    public static Builder builder() {
        return new Builder();
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** Builds {@link HttpClientSettings}. */
    public static final class Builder {
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private HttpClient.Version version = HttpClient.Version.HTTP_2;
        private HttpClient.Redirect redirect = HttpClient.Redirect.NORMAL;

        private Builder() {
        }

        /** Sets how long opening a connection may take; the default is 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Sets how long a request waits for its response; the default is 60 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Sets the preferred HTTP version; the default is {@code HTTP_2}. */
        public Builder version(HttpClient.Version version) {
            this.version = version;
            return this;
        }

        /** Sets the redirect policy; the default is {@code NORMAL}. */
        public Builder redirect(HttpClient.Redirect redirect) {
            this.redirect = redirect;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @throws IllegalArgumentException if a timeout is not positive
         */
        public HttpClientSettings build() {
            return new HttpClientSettings(connectTimeout, requestTimeout, version, redirect);
        }
    }
}
