package dev.agentforge.monitor.audit;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The storage of audit records. Implementations are thread-safe, and {@link #append} is atomic with
 * respect to every other writer of the same store, in this process or another, so that two writers
 * never give two records the same sequence number.
 */
public interface AuditStore extends AutoCloseable {

    /**
     * Appends one record. Under the store's write lock, the store passes its newest record (null when
     * it is empty) to {@code next}, which returns the record to append, chained to that one.
     *
     * @return the record appended
     * @throws AuditStoreException if the record cannot be written
     */
    AuditRecord append(UnaryOperator<AuditRecord> next);

    /** Returns the newest record, or empty when the store contains none. */
    Optional<AuditRecord> last();

    /** Returns the records that match the query, in sequence order, at most {@link AuditQuery#limit()}. */
    List<AuditRecord> query(AuditQuery query);

    /**
     * Passes every record to the visitor in sequence order, until the visitor returns false.
     *
     * @throws CorruptRecordException at the first stored record that cannot be read
     */
    void scan(Predicate<AuditRecord> visitor);

    /** Deletes every record whose sequence number is at most {@code sequence}; returns how many it deleted. */
    long deleteThrough(long sequence);

    /** Returns where the records are, for logs, such as a directory or a table name. */
    String describe();

    /** Releases the store's files or connections. */
    @Override
    void close();
}
