package dev.agentforge.monitor.audit;

/** A failure to read or write an audit store, such as an I/O or SQL error, or a stored record that cannot be read. */
public class AuditStoreException extends RuntimeException {

    public AuditStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public AuditStoreException(String message) {
        super(message);
    }
}
