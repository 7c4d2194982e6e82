package dev.agentforge.monitor.alert;

import java.time.Duration;
import java.util.Objects;

/**
 * The timing of an {@link AlertManager}: grouping, de-duplication, flapping and delivery retries. The
 * group settings follow Prometheus Alertmanager's {@code group_wait}, {@code group_interval} and
 * {@code repeat_interval}.
 *
 * @param groupWait how long a new group collects alerts before its first notice
 * @param groupInterval the shortest time between two notices of one group, at least
 *     {@link #MIN_GROUP_INTERVAL}
 * @param repeatInterval how long an unchanged firing group stays quiet before its notice is sent again:
 *     the de-duplication window; at least {@code groupInterval}
 * @param flapWindow the window in which state changes are counted for flapping detection
 * @param flapThreshold how many changes between firing and resolved within {@code flapWindow} mark an
 *     alert as flapping; it settles when fewer than half as many remain in the window
 * @param deliveryAttempts how many times a notice is tried on a channel before it is dropped
 * @param retryBackoff the wait before the first retry of a failed delivery, doubled for each further retry
 */
public record AlertSettings(Duration groupWait, Duration groupInterval, Duration repeatInterval,
        Duration flapWindow, int flapThreshold, int deliveryAttempts, Duration retryBackoff) {

    /**
     * The shortest group interval accepted: 10 s. Each notice is a message to people, and Slack's
     * documented rate for posting messages is about one per second (api.slack.com/docs/rate-limits). With
     * a group interval of 1 s a noisy group could post every second, the storm grouping exists to
     * prevent, and a few groups together would exceed that rate.
     */
    public static final Duration MIN_GROUP_INTERVAL = Duration.ofSeconds(10);

    /** The defaults: wait 30 s, interval 5 min, repeat 4 h, 4 changes in 1 h flap, 3 attempts 10 s apart. */
    public static final AlertSettings DEFAULTS = new AlertSettings(Duration.ofSeconds(30), Duration.ofMinutes(5),
            Duration.ofHours(4), Duration.ofHours(1), 4, 3, Duration.ofSeconds(10));

    public AlertSettings {
        requireNotNegative("groupWait", groupWait);
        Objects.requireNonNull(groupInterval, "groupInterval");
        if (groupInterval.compareTo(MIN_GROUP_INTERVAL) < 0) {
            throw new IllegalArgumentException("Invalid groupInterval " + groupInterval + ": the minimum is "
                    + MIN_GROUP_INTERVAL + ", because a shorter interval lets one group send a notice per tick"
                    + " and exceeds the posting rate of chat channels such as Slack (about one message per"
                    + " second); set 10 s or more");
        }
        Objects.requireNonNull(repeatInterval, "repeatInterval");
        if (repeatInterval.compareTo(groupInterval) < 0) {
            throw new IllegalArgumentException("Invalid repeatInterval " + repeatInterval
                    + ": it must be at least the groupInterval " + groupInterval);
        }
        Objects.requireNonNull(flapWindow, "flapWindow");
        if (flapWindow.compareTo(groupInterval) < 0) {
            throw new IllegalArgumentException("Invalid flapWindow " + flapWindow
                    + ": it must be at least the groupInterval " + groupInterval);
        }
        if (flapThreshold < 2) {
            throw new IllegalArgumentException("Invalid flapThreshold " + flapThreshold
                    + ": it must be at least 2 state changes");
        }
        if (deliveryAttempts < 1) {
            throw new IllegalArgumentException("Invalid deliveryAttempts " + deliveryAttempts + ": it must be at least 1");
        }
        requireNotNegative("retryBackoff", retryBackoff);
    }

    /** Returns these settings with another group wait. */
    public AlertSettings withGroupWait(Duration value) {
        return new AlertSettings(value, groupInterval, repeatInterval, flapWindow, flapThreshold, deliveryAttempts,
                retryBackoff);
    }

    /** Returns these settings with another group interval. */
    public AlertSettings withGroupInterval(Duration value) {
        return new AlertSettings(groupWait, value, repeatInterval, flapWindow, flapThreshold, deliveryAttempts,
                retryBackoff);
    }

    /** Returns these settings with another repeat interval. */
    public AlertSettings withRepeatInterval(Duration value) {
        return new AlertSettings(groupWait, groupInterval, value, flapWindow, flapThreshold, deliveryAttempts,
                retryBackoff);
    }

    /** Returns these settings with another flap window and threshold. */
    public AlertSettings withFlapping(Duration window, int threshold) {
        return new AlertSettings(groupWait, groupInterval, repeatInterval, window, threshold, deliveryAttempts,
                retryBackoff);
    }

    /** Returns these settings with another retry policy for failed deliveries. */
    public AlertSettings withDelivery(int attempts, Duration backoff) {
        return new AlertSettings(groupWait, groupInterval, repeatInterval, flapWindow, flapThreshold, attempts, backoff);
    }

    private static void requireNotNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException("Invalid " + name + " " + value + ": it must not be negative");
        }
    }
}
