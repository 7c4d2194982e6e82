package dev.agentforge.monitor.audit;

import java.time.Instant;

/**
 * The outcome of a retention purge.
 *
 * @param cutoff records written before this time were purged
 * @param deleted how many records were deleted
 * @param purgedThroughSequence the sequence number of the last purged record, or 0 when none was purged
 * @param marker the {@code audit.purge} record written before the deletion, or null when none was purged
 */
public record PurgeResult(Instant cutoff, long deleted, long purgedThroughSequence, AuditRecord marker) {
}
