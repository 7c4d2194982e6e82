package dev.agentforge.client;

import java.time.Duration;
import java.time.Instant;

/**
 * How {@link AgentForgeClient#events(String, StreamOptions)} streams a run's events and reconnects.
 * Immutable: each {@code with} method returns a copy.
 *
 * @param afterSequence deliver only the events after this sequence number; 0 streams the run from
 *     its first event
 * @param deadline when to give up with {@link ClientTimeoutException} if the run's terminal event has
 *     not arrived, or null for no deadline
 * @param initialRetry the delay before reconnecting until the server sends its own {@code retry} hint
 * @param maxRetryDelay the longest delay between attempts while attempts fail in a row
 * @param maxConsecutiveFailures how many connection attempts in a row may fail, delivering no event,
 *     before the stream gives up with {@link StreamGaveUpException}
 * @param idleTimeout how long a connection may deliver no byte before the client drops it and
 *     reconnects; the server writes a keep-alive comment every 15 seconds by default, so this should
 *     be a few times longer than its heartbeat
 */
public record StreamOptions(long afterSequence, Instant deadline, Duration initialRetry, Duration maxRetryDelay,
        int maxConsecutiveFailures, Duration idleTimeout) {

    /** The delay before the first reconnect when the server has not sent a {@code retry} hint. */
    public static final Duration DEFAULT_INITIAL_RETRY = Duration.ofSeconds(3);

    /** The longest delay between failed attempts by default. */
    public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofSeconds(30);

    /** How many connection attempts in a row may fail by default. */
    public static final int DEFAULT_MAX_CONSECUTIVE_FAILURES = 10;

    /** How long a connection may stay silent by default: four of the server's default heartbeats. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public StreamOptions {
        if (afterSequence < 0) {
            throw new IllegalArgumentException("afterSequence must be 0 or more, got " + afterSequence);
        }
        requirePositive(initialRetry, "initialRetry", true);
        requirePositive(maxRetryDelay, "maxRetryDelay", true);
        requirePositive(idleTimeout, "idleTimeout", false);
        if (maxConsecutiveFailures < 1) {
            throw new IllegalArgumentException("maxConsecutiveFailures must be at least 1, got "
                    + maxConsecutiveFailures);
        }
    }

    /** Returns the defaults: the whole run, no deadline, and the default delays and limits above. */
    public static StreamOptions defaults() {
        return new StreamOptions(0, null, DEFAULT_INITIAL_RETRY, DEFAULT_MAX_RETRY_DELAY,
                DEFAULT_MAX_CONSECUTIVE_FAILURES, DEFAULT_IDLE_TIMEOUT);
    }

    /** Returns a copy that delivers only the events after this sequence number. */
    public StreamOptions withAfterSequence(long sequence) {
        return new StreamOptions(sequence, deadline, initialRetry, maxRetryDelay, maxConsecutiveFailures, idleTimeout);
    }

    /** Returns a copy that gives up at this instant, or never when it is null. */
    public StreamOptions withDeadline(Instant instant) {
        return new StreamOptions(afterSequence, instant, initialRetry, maxRetryDelay, maxConsecutiveFailures,
                idleTimeout);
    }

    /** Returns a copy that gives up this long after now, the moment this method is called. */
    public StreamOptions withTimeout(Duration timeout) {
        requirePositive(timeout, "timeout", false);
        return withDeadline(Instant.now().plus(timeout));
    }

    /** Returns a copy with this delay before reconnecting until the server sends its {@code retry} hint. */
    public StreamOptions withInitialRetry(Duration delay) {
        return new StreamOptions(afterSequence, deadline, delay, maxRetryDelay, maxConsecutiveFailures, idleTimeout);
    }

    /** Returns a copy with this longest delay between failed attempts. */
    public StreamOptions withMaxRetryDelay(Duration delay) {
        return new StreamOptions(afterSequence, deadline, initialRetry, delay, maxConsecutiveFailures, idleTimeout);
    }

    /** Returns a copy that gives up after this many failed attempts in a row. */
    public StreamOptions withMaxConsecutiveFailures(int failures) {
        return new StreamOptions(afterSequence, deadline, initialRetry, maxRetryDelay, failures, idleTimeout);
    }

    /** Returns a copy that drops a connection silent for this long, and reconnects. */
    public StreamOptions withIdleTimeout(Duration timeout) {
        return new StreamOptions(afterSequence, deadline, initialRetry, maxRetryDelay, maxConsecutiveFailures, timeout);
    }

    private static void requirePositive(Duration duration, String name, boolean zeroAllowed) {
        if (duration == null || duration.isNegative() || (!zeroAllowed && duration.isZero())) {
            throw new IllegalArgumentException(name + " must be a " + (zeroAllowed ? "zero or " : "")
                    + "positive duration, got " + duration);
        }
    }
}
