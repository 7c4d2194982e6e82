package dev.agentforge.monitor.profile;

import java.time.Duration;
import java.util.Locale;

/** Formats durations and byte counts for the text and HTML reports. */
final class Durations {

    private Durations() {
    }

    /** Formats a duration with a unit that keeps three significant digits, such as {@code 2.30 s}. */
    static String format(Duration duration) {
        double nanos = duration.toNanos();
        if (nanos >= 60e9) {
            return String.format(Locale.ROOT, "%.1f min", nanos / 60e9);
        }
        if (nanos >= 1e9) {
            return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
        }
        if (nanos >= 1e6) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        if (nanos >= 1e3) {
            return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f ns", nanos);
    }

    /** Formats a byte count in binary units, such as {@code 12.3 KiB}. */
    static String formatBytes(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        if (bytes >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / (double) (1L << 10));
        }
        return bytes + " B";
    }

    /** Returns the duration in milliseconds with fractions, for JSON. */
    static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }
}
