package dev.agentforge.monitor.alert;

/**
 * Delivers notices somewhere people see them. Channels are called from the thread that calls
 * {@link AlertManager#evaluate}, so they must bound their own I/O with timeouts.
 */
public interface AlertChannel {

    /** A name for logs, such as {@code slack}. */
    String name();

    /** A description for logs with every secret masked, such as {@code https://hooks.example.com/****}. */
    String describe();

    /** Delivers one notice, or throws when it could not. */
    void send(Notice notice) throws AlertDeliveryException;
}
