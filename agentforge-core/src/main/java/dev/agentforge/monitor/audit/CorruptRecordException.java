package dev.agentforge.monitor.audit;

/**
 * A stored record that cannot be read as an audit record, such as a line that is not valid JSON.
 * The verifier reports it as the first bad position after the last record it could read.
 */
public final class CorruptRecordException extends AuditStoreException {

    private final long previousSequence;

    /**
     * @param previousSequence the sequence number of the last record read before the unreadable one, 0 if none
     */
    public CorruptRecordException(String message, long previousSequence, Throwable cause) {
        super(message, cause);
        this.previousSequence = previousSequence;
    }

    /** Returns the sequence number of the last record read before the unreadable one, or 0 if none. */
    public long previousSequence() {
        return previousSequence;
    }
}
