package dev.agentforge.monitor.audit;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes the hash of an audit record over its canonical form ({@link AuditCodec#canonicalBytes}),
 * which includes the previous record's hash, so every hash depends on the whole chain before it.
 *
 * <p>With plain SHA-256 anyone who can edit the log can also recompute the hashes after an edit,
 * so only an anchor kept elsewhere reveals such a rewrite. With HMAC-SHA-256 the hashes cannot be
 * recomputed without the key, so the verifier names the first record that was changed, deleted or
 * relinked even without an anchor. Keep the key out of the log's storage.
 */
public final class ChainHasher {

    /** The previous hash of the first record of a log: 64 zeros. */
    public static final String GENESIS = "0".repeat(64);

    /** The shortest HMAC key accepted, in bytes: the length of a SHA-256 output. */
    public static final int MIN_KEY_BYTES = 32;

    private static final HexFormat HEX = HexFormat.of();

    private final byte[] key;

    private ChainHasher(byte[] key) {
        this.key = key;
    }

    /** Returns a hasher that uses plain SHA-256. */
    public static ChainHasher sha256() {
        return new ChainHasher(null);
    }

    /**
     * Returns a hasher that uses HMAC-SHA-256 with this key.
     *
     * @throws IllegalArgumentException if the key is shorter than {@value #MIN_KEY_BYTES} bytes
     */
    public static ChainHasher hmacSha256(byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("The audit HMAC key must be at least " + MIN_KEY_BYTES
                    + " bytes long, got " + (key == null ? 0 : key.length) + "; use a random key of 32 bytes or more");
        }
        return new ChainHasher(key.clone());
    }

    /** Returns {@code HMAC-SHA-256} or {@code SHA-256}. */
    public String algorithm() {
        return key == null ? "SHA-256" : "HMAC-SHA-256";
    }

    /** Returns whether this hasher uses a secret key. */
    public boolean keyed() {
        return key != null;
    }

    /** Returns the hash of a record over its canonical form, in lower-case hex. Its {@code hash} field is ignored. */
    public String hash(AuditRecord record) {
        return hex(AuditCodec.canonicalBytes(record));
    }

    /** Returns the SHA-256 of bytes in lower-case hex, without the key: the digest of tool arguments. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256, which every Java platform must provide", e);
        }
    }

    private String hex(byte[] bytes) {
        if (key == null) {
            return sha256Hex(bytes);
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HEX.formatHex(mac.doFinal(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM has no HmacSHA256, which every Java platform must provide", e);
        }
    }

    @Override
    public String toString() {
        return "ChainHasher[" + algorithm() + "]";
    }
}
