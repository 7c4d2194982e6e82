package dev.agentforge.monitor.audit;

import java.util.Objects;

/**
 * Checks a log's hash chain and compares it with an anchor kept outside the log. It reads the
 * records once, in sequence order, and reports the first bad position:
 *
 * <ul>
 *   <li>a record whose hash does not match its content: it was edited;</li>
 *   <li>a gap in the sequence numbers: a record was deleted;</li>
 *   <li>a record whose {@code previousHash} is not the hash of the record before it: a record was
 *       deleted and the next one relinked, or a record was edited and its hash recomputed;</li>
 *   <li>a first record after 1 that no {@code audit.purge} record accounts for: the head was cut off;</li>
 *   <li>a log that ends before the anchor's record, or whose record there has another hash: the tail
 *       was cut off, or the chain was rewritten up to there.</li>
 * </ul>
 *
 * <p>With plain SHA-256 an attacker who rewrites every hash after an edit leaves a consistent chain,
 * which only the anchor reveals, and then the position reported is the anchor's: the first bad record
 * is at or before it. With HMAC-SHA-256 the attacker cannot compute valid hashes, so the first changed
 * record is named exactly.
 */
public final class AuditVerifier {

    private final ChainHasher hasher;

    public AuditVerifier(ChainHasher hasher) {
        this.hasher = Objects.requireNonNull(hasher, "hasher");
    }

    /** Verifies the records of a store against an anchor, or against none when {@code anchor} is null. */
    public AuditVerification verify(AuditStore store, AuditAnchor anchor) {
        Pass pass = new Pass(anchor);
        try {
            store.scan(record -> {
                pass.accept(record);
                return true;
            });
        } catch (CorruptRecordException e) {
            pass.unreadable(e);
        }
        return pass.finish(anchor);
    }

    /** Verifies records given in sequence order, such as a JSON export read back. */
    public AuditVerification verify(Iterable<AuditRecord> records, AuditAnchor anchor) {
        Pass pass = new Pass(anchor);
        records.forEach(pass::accept);
        return pass.finish(anchor);
    }

    /** The state of one verification, fed one record at a time. */
    private final class Pass {
        private long count;
        private AuditRecord first;
        private AuditRecord previous;
        private AuditRecord latestPurge;
        private Long badSequence;
        private String problem;
        private boolean unreadable;
        private AuditRecord anchoredRecord;
        private final long anchorSequence;

        Pass(AuditAnchor anchor) {
            this.anchorSequence = anchor == null ? -1 : anchor.sequence();
        }

        void accept(AuditRecord record) {
            count++;
            if (first == null) {
                first = record;
            }
            if (AuditActions.AUDIT_PURGE.equals(record.action())) {
                latestPurge = record;
            }
            if (record.sequence() == anchorSequence) {
                anchoredRecord = record;
            }
            if (badSequence == null) {
                check(record);
            }
            previous = record;
        }

        void unreadable(CorruptRecordException e) {
            unreadable = true;
            report(e.previousSequence() + 1, e.getMessage());
        }

        private void check(AuditRecord record) {
            if (previous != null && record.sequence() != previous.sequence() + 1) {
                if (record.sequence() > previous.sequence() + 1) {
                    report(previous.sequence() + 1, "record " + (previous.sequence() + 1) + " is missing: record "
                            + previous.sequence() + " is followed by record " + record.sequence()
                            + ", so records were deleted");
                } else {
                    report(record.sequence(), "record " + record.sequence() + " follows record "
                            + previous.sequence() + ": a duplicate or out of order, so records were copied or moved");
                }
                return;
            }
            if (!hasher.hash(record).equals(record.hash())) {
                report(record.sequence(), "the hash of record " + record.sequence() + " does not match its content:"
                        + " the record was changed after it was written, or the log was written with another "
                        + (hasher.keyed() ? "key" : "algorithm"));
                return;
            }
            if (previous != null && !record.previousHash().equals(previous.hash())) {
                report(record.sequence(), "record " + record.sequence() + " does not link to record "
                        + previous.sequence() + ": its previousHash differs from that record's hash, so one of the"
                        + " two was changed and rehashed, or records between them were deleted and the rest relinked");
            }
        }

        private void report(long sequence, String message) {
            if (badSequence == null || sequence < badSequence) {
                badSequence = sequence;
                problem = message;
            }
        }

        AuditVerification finish(AuditAnchor anchor) {
            checkStart();
            String anchorStatus = unreadable ? "not checked" : checkAnchor(anchor);
            long firstSequence = first == null ? 0 : first.sequence();
            long lastSequence = previous == null ? 0 : previous.sequence();
            return new AuditVerification(badSequence == null, hasher.algorithm(), count, firstSequence,
                    lastSequence, badSequence, problem, anchor, anchorStatus);
        }

        private void checkStart() {
            if (first == null) {
                return;
            }
            long start = first.sequence();
            if (start == 1) {
                if (!ChainHasher.GENESIS.equals(first.previousHash())) {
                    report(1, "record 1 does not start the chain: its previousHash is not " + ChainHasher.GENESIS);
                }
                return;
            }
            if (latestPurge == null) {
                report(1, "records 1 to " + (start - 1) + " are missing and no audit.purge record accounts for"
                        + " them, so the head of the log was cut off");
                return;
            }
            long purgedThrough = parseLong(latestPurge.attributes().get(AuditLog.PURGED_THROUGH_SEQUENCE));
            String purgedHash = latestPurge.attributes().get(AuditLog.PURGED_THROUGH_HASH);
            if (purgedThrough < start - 1) {
                report(purgedThrough + 1, "records " + (purgedThrough + 1) + " to " + (start - 1) + " are missing,"
                        + " but the newest audit.purge record, " + latestPurge.sequence() + ", purged only up to "
                        + purgedThrough + ", so records were deleted after the purge");
            } else if (purgedThrough == start - 1 && !first.previousHash().equals(purgedHash)) {
                report(start, "record " + start + " does not link to the last purged record " + purgedThrough
                        + ": its previousHash differs from the hash that audit.purge record " + latestPurge.sequence()
                        + " keeps");
            }
            // purgedThrough >= start: the purge stopped before deleting all it marked, so records
            // start..purgedThrough are still here and the chain from them on was checked.
        }

        private String checkAnchor(AuditAnchor anchor) {
            if (anchor == null) {
                return "absent";
            }
            if (previous == null) {
                report(1, "the log is empty, but the anchor names record " + anchor.sequence()
                        + ": every record was deleted");
                return "mismatch";
            }
            if (anchor.sequence() > previous.sequence()) {
                report(previous.sequence() + 1, "the log ends at record " + previous.sequence()
                        + ", but the anchor names record " + anchor.sequence() + ": records after "
                        + previous.sequence() + " were deleted, or records were deleted elsewhere and the rest"
                        + " renumbered");
                return "mismatch";
            }
            if (anchor.sequence() < first.sequence()) {
                return "purged";
            }
            if (anchoredRecord == null) {
                // The anchored record lies inside a gap that the chain check has reported.
                return "mismatch";
            }
            if (!anchoredRecord.hash().equals(anchor.hash())) {
                report(anchor.sequence(), "the hash of record " + anchor.sequence() + " differs from the anchor:"
                        + " the chain up to record " + anchor.sequence() + " was rewritten, so the first changed"
                        + " record is at or before it");
                return "mismatch";
            }
            return anchor.sequence() == previous.sequence() ? "matched" : "behind";
        }

        private long parseLong(String value) {
            try {
                return value == null ? -1 : Long.parseLong(value);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
