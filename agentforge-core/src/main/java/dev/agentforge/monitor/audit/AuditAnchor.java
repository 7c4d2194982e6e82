package dev.agentforge.monitor.audit;

import java.util.Objects;

/**
 * The sequence number and hash of the newest record of a log, kept outside the log. The verifier
 * compares the log with it, which reveals a truncated tail or a chain rewritten up to this record.
 *
 * @param sequence the sequence number of the anchored record
 * @param hash the hash of the anchored record, in lower-case hex
 */
public record AuditAnchor(long sequence, String hash) {

    public AuditAnchor {
        if (sequence < 1) {
            throw new IllegalArgumentException("An anchor's sequence must be at least 1, got " + sequence);
        }
        Objects.requireNonNull(hash, "hash");
    }

    /** Returns the anchor of a record. */
    public static AuditAnchor of(AuditRecord record) {
        return new AuditAnchor(record.sequence(), record.hash());
    }
}
