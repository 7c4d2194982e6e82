package dev.agentforge.monitor.audit;

/**
 * The verifier's finding about a log.
 *
 * @param valid whether the chain and the anchor found nothing wrong
 * @param algorithm the hash algorithm checked, {@code SHA-256} or {@code HMAC-SHA-256}
 * @param records how many records were read
 * @param firstSequence the sequence number of the first record read, or 0 when none was read
 * @param lastSequence the sequence number of the last record read, or 0 when none was read
 * @param firstBadSequence the sequence number of the first changed, missing or unreadable record,
 *     which is the first position where the log is wrong. Null when the log is valid.
 * @param problem what is wrong at {@code firstBadSequence}, or null when the log is valid
 * @param anchor the anchor the log was compared with, or null when there was none
 * @param anchorStatus how the anchor compared: {@code matched}, {@code absent}, {@code behind} (the
 *     log has records after the anchor, which it does not cover), {@code purged} (the anchored record
 *     was purged), or {@code mismatch}
 */
public record AuditVerification(boolean valid, String algorithm, long records, long firstSequence,
        long lastSequence, Long firstBadSequence, String problem, AuditAnchor anchor, String anchorStatus) {
}
