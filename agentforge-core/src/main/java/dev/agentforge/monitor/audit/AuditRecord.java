package dev.agentforge.monitor.audit;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One audit record: who did what to which resource, with what outcome, and its place in the hash
 * chain. Records are immutable; {@link AuditLog} creates them.
 *
 * @param sequence the position in the log: 1 for the first record, then rising by exactly 1
 * @param time when the record was written, from the log's clock, truncated to microseconds
 * @param actor the principal that acted, {@code anonymous} until authentication exists, or
 *     {@code system} for actions of the service itself
 * @param action what was done, one of {@link AuditActions} or an {@code admin.*} name
 * @param resource what it was done to, such as a run id or a tool name, or null
 * @param outcome how it ended
 * @param detail more about the outcome, such as an error message, after redaction; or null
 * @param runId the run the action belongs to, or null
 * @param clientAddress the client's address for actions that arrived over HTTP, or null
 * @param userAgent the client's {@code User-Agent} for actions that arrived over HTTP, or null
 * @param attributes further named values after redaction, such as {@code argumentsSha256}; sorted by name
 * @param previousHash the hash of the record before this one, or 64 zeros for the first record
 * @param hash this record's hash over its canonical form, which {@link ChainHasher} computes
 */
public record AuditRecord(long sequence, Instant time, String actor, String action, String resource,
        AuditOutcome outcome, String detail, String runId, String clientAddress, String userAgent,
        Map<String, String> attributes, String previousHash, String hash) {

    public AuditRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(hash, "hash");
        attributes = attributes == null || attributes.isEmpty()
                ? Map.of()
                : Collections.unmodifiableSortedMap(new TreeMap<>(attributes));
    }

    /** Returns a copy with another hash, as a tampering test or a re-chaining tool needs. */
    public AuditRecord withHash(String newHash) {
        return new AuditRecord(sequence, time, actor, action, resource, outcome, detail, runId, clientAddress,
                userAgent, attributes, previousHash, newHash);
    }

    /** Returns a copy with another sequence number and previous hash, and the hash left as it was. */
    public AuditRecord relinked(long newSequence, String newPreviousHash) {
        return new AuditRecord(newSequence, time, actor, action, resource, outcome, detail, runId, clientAddress,
                userAgent, attributes, newPreviousHash, hash);
    }

    /** Returns a copy with another detail, and the hash left as it was. */
    public AuditRecord withDetail(String newDetail) {
        return new AuditRecord(sequence, time, actor, action, resource, outcome, newDetail, runId, clientAddress,
                userAgent, attributes, previousHash, hash);
    }
}
