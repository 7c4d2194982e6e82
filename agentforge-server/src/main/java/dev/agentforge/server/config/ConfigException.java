package dev.agentforge.server.config;

/**
 * An invalid or missing setting found at startup. The message names the environment variable, the
 * value it had, and the form it expects.
 */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
