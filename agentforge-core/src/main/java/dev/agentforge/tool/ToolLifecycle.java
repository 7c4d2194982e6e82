package dev.agentforge.tool;

/**
 * Optional lifecycle of a tool that owns resources, such as a connection pool. A {@link Tool} that
 * also implements this interface is managed by the {@link ToolExecutor}'s {@link ToolLifecycles}:
 *
 * <ul>
 *   <li>{@link #initialize()} runs once, before the first call, even when several calls arrive at the
 *       same time; a failed initialisation is tried again on the next call;
 *   <li>{@link #checkHealth()} runs periodically when the executor has health checks configured, and
 *       each check is stopped after the check timeout;
 *   <li>{@link #close()} runs when the executor shuts down, in the reverse order of initialisation.
 * </ul>
 */
public interface ToolLifecycle {

    /** Acquires what the tool needs, such as opening a pool. Does nothing unless overridden. */
    default void initialize() throws Exception {
    }

    /**
     * Checks that the tool can serve calls. A thrown exception or a check that exceeds the timeout
     * counts as unhealthy. Returns healthy unless overridden.
     */
    default ToolHealth checkHealth() throws Exception {
        return ToolHealth.up();
    }

    /** Releases what {@link #initialize()} acquired. Does nothing unless overridden. */
    default void close() throws Exception {
    }
}
