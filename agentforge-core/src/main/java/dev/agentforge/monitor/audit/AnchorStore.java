package dev.agentforge.monitor.audit;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps the anchor of a log outside the log: the newest record's sequence number and hash. An anchor
 * only moves forward: {@link #advance} ignores an anchor older than the stored one, so two writers
 * racing each other never move it back.
 */
public interface AnchorStore {

    /** Stores the anchor unless the stored one has the same or a greater sequence number. */
    void advance(AuditAnchor anchor);

    /** Returns the stored anchor, or empty when none was stored yet. */
    Optional<AuditAnchor> read();

    /** Returns an anchor store in the heap of this process, for tests and examples. */
    static AnchorStore inMemory() {
        AtomicReference<AuditAnchor> current = new AtomicReference<>();
        return new AnchorStore() {
            @Override
            public void advance(AuditAnchor anchor) {
                current.accumulateAndGet(anchor, (old, next) -> old == null || next.sequence() > old.sequence()
                        ? next : old);
            }

            @Override
            public Optional<AuditAnchor> read() {
                return Optional.ofNullable(current.get());
            }
        };
    }
}
