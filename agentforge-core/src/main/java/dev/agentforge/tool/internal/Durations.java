package dev.agentforge.tool.internal;

import java.math.BigDecimal;
import java.time.Duration;

/** Formats durations for messages the model reads. */
public final class Durations {

    private Durations() {
    }

    /** Formats a duration as {@code 1s}, {@code 1.5s}, {@code 250ms} or {@code 2m}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + "s";
    }
}
