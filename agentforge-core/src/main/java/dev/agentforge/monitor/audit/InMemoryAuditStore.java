package dev.agentforge.monitor.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** An audit store in the heap of this process, for tests and examples. Nothing survives a restart. */
public final class InMemoryAuditStore implements AuditStore {

    private final List<AuditRecord> records = new ArrayList<>();

    @Override
    public synchronized AuditRecord append(UnaryOperator<AuditRecord> next) {
        AuditRecord record = next.apply(records.isEmpty() ? null : records.getLast());
        records.add(record);
        return record;
    }

    @Override
    public synchronized Optional<AuditRecord> last() {
        return records.isEmpty() ? Optional.empty() : Optional.of(records.getLast());
    }

    @Override
    public synchronized List<AuditRecord> query(AuditQuery query) {
        return records.stream().filter(query::matches).limit(query.limit()).toList();
    }

    @Override
    public void scan(Predicate<AuditRecord> visitor) {
        List<AuditRecord> copy;
        synchronized (this) {
            copy = List.copyOf(records);
        }
        for (AuditRecord record : copy) {
            if (!visitor.test(record)) {
                return;
            }
        }
    }

    @Override
    public synchronized long deleteThrough(long sequence) {
        int before = records.size();
        records.removeIf(record -> record.sequence() <= sequence);
        return before - records.size();
    }

    /**
     * Replaces the records with these, as they are, without checking the chain: a way for tests and
     * examples to play an attacker who edits the log.
     */
    public synchronized void replaceAll(List<AuditRecord> newRecords) {
        records.clear();
        records.addAll(newRecords);
    }

    /** Returns a copy of the records in sequence order. */
    public synchronized List<AuditRecord> records() {
        return new ArrayList<>(records);
    }

    @Override
    public String describe() {
        return "memory";
    }

    @Override
    public void close() {
    }
}
