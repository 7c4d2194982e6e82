package dev.agentforge.stream;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits of one live subscriber's queue and what the queue does when they are reached; see
 * {@link SubscriberQueue} for the rules.
 *
 * @param maxEvents the maximum number of events queued for the subscriber
 * @param maxBytes the maximum estimated heap of the queued events and notices, in bytes; one
 *     {@code events_dropped} notice may exceed it
 * @param tokenOverflow what happens to token and thought events that do not fit
 * @param maxLagEvents the maximum number of events the subscriber may be behind the newest event
 *     offered before it is disconnected, or {@link Long#MAX_VALUE} for no limit
 * @param maxLagTime the maximum time the oldest queued item may wait before the subscriber is
 *     disconnected, or null for no limit
 */
public record BackpressurePolicy(int maxEvents, long maxBytes, TokenOverflow tokenOverflow, long maxLagEvents,
        Duration maxLagTime) {

    /** The event limit when none is set. */
    public static final int DEFAULT_MAX_EVENTS = 1024;

    /** The byte limit when none is set: 1 MiB. */
    public static final long DEFAULT_MAX_BYTES = 1024 * 1024;

    /** The maximum wait of a queued item when no limit is set. */
    public static final Duration DEFAULT_MAX_LAG_TIME = Duration.ofSeconds(60);

    /** The queue's handling of token and thought events that do not fit. */
    public enum TokenOverflow {
        /**
         * Joins queued consecutive token events, and consecutive thought events, into one event each.
         * Drops with a notice only when joining frees no room, which happens at the byte limit.
         */
        COALESCE,
        /** Drops the event at once and announces it with an {@code events_dropped} notice. */
        DROP
    }

    public BackpressurePolicy {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("Invalid maxEvents " + maxEvents + ": use 1 or more");
        }
        if (maxBytes < EventSizes.OVERHEAD_BYTES) {
            throw new IllegalArgumentException("Invalid maxBytes " + maxBytes + ": use at least "
                    + EventSizes.OVERHEAD_BYTES + ", the size counted for an empty event");
        }
        Objects.requireNonNull(tokenOverflow, "tokenOverflow");
        if (maxLagEvents < 1) {
            throw new IllegalArgumentException("Invalid maxLagEvents " + maxLagEvents
                    + ": use 1 or more, or Long.MAX_VALUE for no limit");
        }
        if (maxLagTime != null && (maxLagTime.isNegative() || maxLagTime.isZero())) {
            throw new IllegalArgumentException("Invalid maxLagTime " + maxLagTime + ": use a positive duration, or null for no limit");
        }
    }

    /**
     * Returns the default policy: 1024 events, 1 MiB, {@link TokenOverflow#COALESCE}, no event lag
     * limit, and 60 s for the oldest queued item.
     */
    public static BackpressurePolicy defaults() {
        return new BackpressurePolicy(DEFAULT_MAX_EVENTS, DEFAULT_MAX_BYTES, TokenOverflow.COALESCE, Long.MAX_VALUE,
                DEFAULT_MAX_LAG_TIME);
    }

    /** Returns this policy with other buffer limits. */
    public BackpressurePolicy withBuffer(int events, long bytes) {
        return new BackpressurePolicy(events, bytes, tokenOverflow, maxLagEvents, maxLagTime);
    }

    /** Returns this policy with another token overflow. */
    public BackpressurePolicy withTokenOverflow(TokenOverflow overflow) {
        return new BackpressurePolicy(maxEvents, maxBytes, overflow, maxLagEvents, maxLagTime);
    }

    /** Returns this policy with other lag limits; {@link Long#MAX_VALUE} and null turn a limit off. */
    public BackpressurePolicy withMaxLag(long events, Duration time) {
        return new BackpressurePolicy(maxEvents, maxBytes, tokenOverflow, events, time);
    }
}
