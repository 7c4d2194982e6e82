package dev.agentforge.server.transport;

import dev.agentforge.server.config.ConfigException;
import dev.agentforge.stream.BackpressurePolicy;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;

/**
 * The limits of the server's event streams: SSE responses and WebSocket connections. docs/sse.md and
 * docs/websocket.md describe what each one does, and docs/configuration.md the environment variables.
 *
 * @param maxStreamsPerPrincipal how many SSE streams one principal may hold open at once; one more gets
 *     429 {@code too_many_streams} ({@code AGENTFORGE_SSE_MAX_STREAMS_PER_PRINCIPAL})
 * @param writeTimeout how long a write to a client may make no progress before the server closes the
 *     connection, for SSE and WebSocket ({@code AGENTFORGE_STREAM_WRITE_TIMEOUT}); keep it above the
 *     SSE heartbeat interval, because an idle SSE stream writes only heartbeats
 * @param backpressure the bounded queue of each live subscriber of a run, on both transports
 * @param wsMaxMessageBytes the largest WebSocket text message a client may send, in bytes; a larger one
 *     closes the connection with 1009 ({@code AGENTFORGE_WS_MAX_MESSAGE_BYTES})
 * @param wsPingInterval how often the server pings each WebSocket client ({@code AGENTFORGE_WS_PING_INTERVAL})
 * @param wsPongTimeout how long the server waits for the pong to a ping before it drops the connection
 *     ({@code AGENTFORGE_WS_PONG_TIMEOUT})
 * @param wsMaxConnections how many WebSocket connections may be open at once; one more is closed with
 *     1013 ({@code AGENTFORGE_WS_MAX_CONNECTIONS})
 * @param wsMaxQueuedMessages how many control messages (acks, errors, notices and the {@code runs} feed)
 *     may wait for one WebSocket client; one more closes the connection with 1013
 */
public record TransportSettings(int maxStreamsPerPrincipal, Duration writeTimeout, BackpressurePolicy backpressure,
        int wsMaxMessageBytes, Duration wsPingInterval, Duration wsPongTimeout, int wsMaxConnections,
        int wsMaxQueuedMessages) {

    public static final String MAX_STREAMS_PER_PRINCIPAL = "AGENTFORGE_SSE_MAX_STREAMS_PER_PRINCIPAL";
    public static final String WRITE_TIMEOUT = "AGENTFORGE_STREAM_WRITE_TIMEOUT";
    public static final String WS_MAX_MESSAGE_BYTES = "AGENTFORGE_WS_MAX_MESSAGE_BYTES";
    public static final String WS_PING_INTERVAL = "AGENTFORGE_WS_PING_INTERVAL";
    public static final String WS_PONG_TIMEOUT = "AGENTFORGE_WS_PONG_TIMEOUT";
    public static final String WS_MAX_CONNECTIONS = "AGENTFORGE_WS_MAX_CONNECTIONS";

    public static final int DEFAULT_MAX_STREAMS_PER_PRINCIPAL = 32;
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_WS_MAX_MESSAGE_BYTES = 64 * 1024;
    public static final Duration DEFAULT_WS_PING_INTERVAL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_WS_PONG_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_WS_MAX_CONNECTIONS = 1000;
    public static final int DEFAULT_WS_MAX_QUEUED_MESSAGES = 256;

    public TransportSettings {
        positive(maxStreamsPerPrincipal, "maxStreamsPerPrincipal");
        positive(writeTimeout, "writeTimeout");
        Objects.requireNonNull(backpressure, "backpressure");
        positive(wsMaxMessageBytes, "wsMaxMessageBytes");
        positive(wsPingInterval, "wsPingInterval");
        positive(wsPongTimeout, "wsPongTimeout");
        positive(wsMaxConnections, "wsMaxConnections");
        positive(wsMaxQueuedMessages, "wsMaxQueuedMessages");
    }

    /** Returns the defaults, which {@link #fromEnvironment} uses for every unset variable. */
    public static TransportSettings defaults() {
        return new TransportSettings(DEFAULT_MAX_STREAMS_PER_PRINCIPAL, DEFAULT_WRITE_TIMEOUT,
                BackpressurePolicy.defaults(), DEFAULT_WS_MAX_MESSAGE_BYTES, DEFAULT_WS_PING_INTERVAL,
                DEFAULT_WS_PONG_TIMEOUT, DEFAULT_WS_MAX_CONNECTIONS, DEFAULT_WS_MAX_QUEUED_MESSAGES);
    }

    /**
     * Reads the settings from environment variables; a blank value counts as unset.
     *
     * @throws ConfigException naming the variable, its value and the expected form
     */
    public static TransportSettings fromEnvironment(Map<String, String> env) {
        return new TransportSettings(
                integer(env, MAX_STREAMS_PER_PRINCIPAL, DEFAULT_MAX_STREAMS_PER_PRINCIPAL),
                duration(env, WRITE_TIMEOUT, DEFAULT_WRITE_TIMEOUT),
                BackpressurePolicy.defaults(),
                integer(env, WS_MAX_MESSAGE_BYTES, DEFAULT_WS_MAX_MESSAGE_BYTES),
                duration(env, WS_PING_INTERVAL, DEFAULT_WS_PING_INTERVAL),
                duration(env, WS_PONG_TIMEOUT, DEFAULT_WS_PONG_TIMEOUT),
                integer(env, WS_MAX_CONNECTIONS, DEFAULT_WS_MAX_CONNECTIONS),
                DEFAULT_WS_MAX_QUEUED_MESSAGES);
    }

    /** Returns these settings with another per-principal limit of SSE streams. */
    public TransportSettings withMaxStreamsPerPrincipal(int max) {
        return new TransportSettings(max, writeTimeout, backpressure, wsMaxMessageBytes, wsPingInterval,
                wsPongTimeout, wsMaxConnections, wsMaxQueuedMessages);
    }

    /** Returns these settings with another write timeout. */
    public TransportSettings withWriteTimeout(Duration timeout) {
        return new TransportSettings(maxStreamsPerPrincipal, timeout, backpressure, wsMaxMessageBytes,
                wsPingInterval, wsPongTimeout, wsMaxConnections, wsMaxQueuedMessages);
    }

    /** Returns these settings with another subscriber queue policy. */
    public TransportSettings withBackpressure(BackpressurePolicy policy) {
        return new TransportSettings(maxStreamsPerPrincipal, writeTimeout, policy, wsMaxMessageBytes,
                wsPingInterval, wsPongTimeout, wsMaxConnections, wsMaxQueuedMessages);
    }

    /** Returns these settings with other WebSocket limits. */
    public TransportSettings withWebSocket(int maxMessageBytes, Duration pingInterval, Duration pongTimeout,
            int maxConnections, int maxQueuedMessages) {
        return new TransportSettings(maxStreamsPerPrincipal, writeTimeout, backpressure, maxMessageBytes,
                pingInterval, pongTimeout, maxConnections, maxQueuedMessages);
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException("Invalid " + name + " " + value + ": use 1 or more");
        }
    }

    private static void positive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("Invalid " + name + " " + value + ": use a positive duration");
        }
    }

    private static String value(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static int integer(Map<String, String> env, String name, int defaultValue) {
        String value = value(env, name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // Reported below with the expected form.
        }
        throw new ConfigException("Invalid " + name + " '" + value + "': use a whole number from 1 to "
                + Integer.MAX_VALUE + ", or leave it unset for " + defaultValue);
    }

    // An ISO-8601 duration such as PT15S, or a whole number of seconds, as the other settings accept.
    private static Duration duration(Map<String, String> env, String name, Duration defaultValue) {
        String value = value(env, name);
        if (value == null) {
            return defaultValue;
        }
        Duration parsed = null;
        try {
            parsed = value.chars().allMatch(Character::isDigit)
                    ? Duration.ofSeconds(Long.parseLong(value))
                    : Duration.parse(value);
        } catch (DateTimeParseException | NumberFormatException e) {
            // Reported below with the expected form.
        }
        if (parsed == null || parsed.isNegative() || parsed.isZero()) {
            throw new ConfigException("Invalid " + name + " '" + value + "': use a positive ISO-8601 duration such"
                    + " as PT15S, or a whole number of seconds, or leave it unset for " + defaultValue);
        }
        return parsed;
    }
}
