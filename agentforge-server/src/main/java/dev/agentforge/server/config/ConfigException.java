package dev.agentforge.server.config;

/**
 * A setting that stops the service from starting: invalid, missing, or not usable on this machine,
 * such as a port already in use or a database that cannot be reached. The message names the
 * environment variable, the value it had, and how to fix it.
 */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    /** Creates the exception with the failure that made the setting unusable, kept for debug logs. */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
