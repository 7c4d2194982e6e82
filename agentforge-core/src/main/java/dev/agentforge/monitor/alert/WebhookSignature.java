package dev.agentforge.monitor.alert;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies webhook bodies with HMAC-SHA256. The signed text is the timestamp header's value,
 * a dot, and the raw body bytes, so a receiver can reject a replayed request by its age:
 *
 * <pre>
 * X-AgentForge-Timestamp: 1767225600
 * X-AgentForge-Signature: sha256=&lt;lower-case hex of HMAC-SHA256(secret, "1767225600." + body)&gt;
 * </pre>
 */
public final class WebhookSignature {

    /** The header with the signature, {@code sha256=} and 64 hex digits. */
    public static final String SIGNATURE_HEADER = "X-AgentForge-Signature";

    /** The header with the send time in whole seconds since the Unix epoch. */
    public static final String TIMESTAMP_HEADER = "X-AgentForge-Timestamp";

    /** The prefix of the signature header's value. */
    public static final String PREFIX = "sha256=";

    private static final String ALGORITHM = "HmacSHA256";

    private WebhookSignature() {
    }

    /** Returns the signature header's value for a body sent at {@code timestamp} (epoch seconds). */
    public static String sign(byte[] secret, long timestamp, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(secret, timestamp, body));
    }

    /**
     * Checks a received request: the signature must match, in constant time, and the timestamp must lie
     * within {@code tolerance} of {@code now}.
     *
     * @param signatureHeader the value of {@link #SIGNATURE_HEADER}, or null
     * @param timestampHeader the value of {@link #TIMESTAMP_HEADER}, or null
     */
    public static boolean verify(byte[] secret, String signatureHeader, String timestampHeader, byte[] body,
            Instant now, Duration tolerance) {
        if (signatureHeader == null || timestampHeader == null || !signatureHeader.startsWith(PREFIX)) {
            return false;
        }
        long timestamp;
        byte[] received;
        try {
            timestamp = Long.parseLong(timestampHeader.trim());
            received = HexFormat.of().parseHex(signatureHeader.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        long age = Math.abs(now.getEpochSecond() - timestamp);
        if (age > tolerance.toSeconds()) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, timestamp, body), received);
    }

    private static byte[] hmac(byte[] secret, long timestamp, byte[] body) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(body, "body");
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every Java platform must provide HmacSHA256, and a non-empty key is always valid for it.
            throw new IllegalStateException("HMAC-SHA256 is not available: " + e.getMessage(), e);
        }
    }
}
