package dev.agentforge.resource.http;

import dev.agentforge.monitor.ReadinessContributor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A readiness check of an upstream HTTP service, such as a model API or a tool's backend: it sends a
 * GET or HEAD request and is ready when the status is in the expected range, by default 200 to 399.
 * Otherwise the reason names the status, or the exception when no response came.
 *
 * <p>{@link #check()} waits at most the timeout: the request carries it as its timeout, and the
 * check also stops waiting and cancels the request when it passes.
 */
public final class UpstreamHealthCheck implements ReadinessContributor {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamHealthCheck.class);

    /** The timeout when none is set. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private final String name;
    private final URI uri;
    private final String target;
    private final HttpClient client;
    private final String method;
    private final Duration timeout;
    private final int minStatus;
    private final int maxStatus;
    private final AtomicReference<String> lastLoggedFailure = new AtomicReference<>();

    private UpstreamHealthCheck(Builder builder) {
        this.name = builder.name;
        this.uri = builder.uri;
        this.target = builder.method + " " + redact(builder.uri);
        this.client = builder.client;
        this.method = builder.method;
        this.timeout = builder.timeout;
        this.minStatus = builder.minStatus;
        this.maxStatus = builder.maxStatus;
    }

    /**
     * Starts a check of this URL.
     *
     * @throws IllegalArgumentException if the URL is not an absolute http or https URL
     */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** Sends the request and returns the outcome within the timeout. */
    @Override
    public Status check() throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        CompletableFuture<HttpResponse<Void>> response = client.sendAsync(request,
                HttpResponse.BodyHandlers.discarding());
        try {
            int status = response.get(timeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
            if (status >= minStatus && status <= maxStatus) {
                lastLoggedFailure.set(null);
                return new Status(name, true, target + " returned HTTP " + status);
            }
            return failed(target + " returned HTTP " + status + ", expected " + expectedStatus(), null);
        } catch (TimeoutException e) {
            response.cancel(true);
            return failed(target + " did not respond within " + timeout, null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return failed(target + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            response.cancel(true);
            throw e;
        }
    }

    @Override
    public String toString() {
        return "UpstreamHealthCheck[" + name + ", " + target + ", timeout=" + timeout + ", expected "
                + expectedStatus() + "]";
    }

    private String expectedStatus() {
        return minStatus == maxStatus ? String.valueOf(minStatus) : minStatus + " to " + maxStatus;
    }

    // Logs a failure once until the check passes or fails with another reason.
    private Status failed(String reason, Throwable cause) {
        if (!reason.equals(lastLoggedFailure.getAndSet(reason))) {
            LOG.warn("Upstream readiness check '{}' failed: {}", name, reason, cause);
        }
        return Status.notReady(name, reason);
    }

    /** Returns the URL without user info, query or fragment, which can carry credentials. */
    static String redact(URI uri) {
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getScheme() + "://" + uri.getHost() + port + path;
    }

    /** Builds an {@link UpstreamHealthCheck}. Only the URL is required. */
    public static final class Builder {
        private final URI uri;
        private String name;
        private HttpClient client;
        private String method = "GET";
        private Duration timeout = DEFAULT_TIMEOUT;
        private int minStatus = 200;
        private int maxStatus = 399;

        private Builder(URI uri) {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
                throw new IllegalArgumentException("Invalid health check URL '" + uri
                        + "': use an absolute http or https URL, such as http://127.0.0.1:8080/health");
            }
            this.uri = uri;
            this.name = "upstream " + uri.getHost();
        }

        /** Sets the status name; the default is {@code upstream <host>}. A registry renames it anyway. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Sets the client; the default is {@link HttpClients#shared()}. */
        public Builder client(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Sets the request method, GET or HEAD; the default is GET.
         *
         * @throws IllegalArgumentException for any other method
         */
        public Builder method(String method) {
            String upper = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
            if (!upper.equals("GET") && !upper.equals("HEAD")) {
                throw new IllegalArgumentException("Invalid health check method '" + method + "': use GET or HEAD");
            }
            this.method = upper;
            return this;
        }

        /**
         * Sets how long the check waits for a response; the default is 2 s.
         *
         * @throws IllegalArgumentException if the timeout is not positive
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets the range of statuses that count as ready, both ends included; the default is 200 to 399.
         *
         * @throws IllegalArgumentException unless {@code 100 <= min <= max <= 599}
         */
        public Builder expectedStatus(int min, int max) {
            if (min < 100 || max > 599 || min > max) {
                throw new IllegalArgumentException("Invalid expected status range " + min + " to " + max
                        + ": use HTTP statuses from 100 to 599 with min <= max, for example 200 to 299");
            }
            this.minStatus = min;
            this.maxStatus = max;
            return this;
        }

        /** Sets a single status that counts as ready. */
        public Builder expectedStatus(int status) {
            return expectedStatus(status, status);
        }

        public UpstreamHealthCheck build() {
            if (client == null) {
                client = HttpClients.shared();
            }
            return new UpstreamHealthCheck(this);
        }
    }
}
