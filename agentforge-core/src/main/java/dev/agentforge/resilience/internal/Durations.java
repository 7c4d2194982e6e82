package dev.agentforge.resilience.internal;

import java.time.Duration;
import java.util.Locale;

/** Formats durations for messages: {@code 500 ms}, {@code 1.2 s}, {@code 30 s}, {@code 2 min 5 s}. */
public final class Durations {

    private Durations() {
    }

    /** Formats to milliseconds below 1 s, to a tenth of a second below 10 s, and to whole seconds above. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 10_000) {
            return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = Math.round(millis / 1000.0);
        if (seconds < 60) {
            return seconds + " s";
        }
        return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
    }
}
