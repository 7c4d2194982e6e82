package dev.agentforge.monitor.alert;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Posts each notice as JSON ({@link NoticeJson}) to a URL, signed with HMAC-SHA256 in the
 * {@link WebhookSignature#SIGNATURE_HEADER} header over the {@link WebhookSignature#TIMESTAMP_HEADER}
 * value and the body. Any 2xx response counts as delivered. Redirects are not followed, and the URL and
 * secret never appear in {@link #describe()}, {@link #toString()} or error messages.
 */
public final class WebhookChannel implements AlertChannel {

    /** The timeout of one request when none is set. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final URI url;
    private final byte[] secret;
    private final HttpClient client;
    private final Duration timeout;

    private WebhookChannel(Builder builder) {
        this.name = builder.name;
        this.url = JsonPost.requireHttpUrl(builder.url, "webhook");
        if (builder.secret == null || builder.secret.length == 0) {
            throw new IllegalArgumentException("Missing webhook secret: set one so receivers can verify the signature");
        }
        this.secret = builder.secret.clone();
        this.timeout = builder.timeout;
        this.client = builder.client != null ? builder.client : JsonPost.defaultClient(builder.timeout);
    }

    /** Starts a channel to {@code url}; a secret is required. */
    public static Builder builder(URI url) {
        return new Builder(url);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return Secrets.maskUrl(url);
    }

    @Override
    public void send(Notice notice) throws AlertDeliveryException {
        byte[] body = NoticeJson.toJson(notice).getBytes(StandardCharsets.UTF_8);
        long timestamp = notice.sentAt().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp));
        headers.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, timestamp, body));
        JsonPost.post(client, url, body, headers, timeout);
    }

    @Override
    public String toString() {
        return "WebhookChannel[" + name + ", " + describe() + "]";
    }

    /** Builds a {@link WebhookChannel}. */
    public static final class Builder {
        private final URI url;
        private String name = "webhook";
        private byte[] secret;
        private HttpClient client;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder(URI url) {
            this.url = url;
        }

        /** Sets the channel's name in logs; {@code webhook} by default. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Sets the HMAC key; the receiver needs the same bytes. */
        public Builder secret(byte[] secret) {
            this.secret = Objects.requireNonNull(secret, "secret").clone();
            return this;
        }

        /** Sets the HMAC key as UTF-8 text. */
        public Builder secret(String secret) {
            return secret(Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8));
        }

        /** Sets the HTTP client; by default one that never follows redirects. */
        public Builder client(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** Sets the connect and request timeout. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public WebhookChannel build() {
            return new WebhookChannel(this);
        }
    }
}
