package dev.agentforge.progress;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The state of a {@link ProgressTracker} at one moment.
 *
 * @param current the units of work done
 * @param total the units of work in all, or null while unknown
 * @param percent {@code current} as a percentage of {@code total}, from 0 to 100, or null while the total
 *     is unknown; it is 100 only after {@link ProgressTracker#complete}
 * @param eta the estimated time left, as of {@code at}, or null while unknown: no total, or no work done
 *     since the tracker started
 * @param unitsPerSecond the smoothed rate of work since the tracker started, 0 while unknown
 * @param state whether the work goes on, completed or was cancelled
 * @param at the time of the last change, by the tracker's clock
 */
public record ProgressSnapshot(long current, Long total, Double percent, Duration eta, double unitsPerSecond,
        ProgressTracker.State state, Instant at) {

    /** Describes the progress for people, such as {@code 91 of 100 (91.0 %), about 54 s left}. */
    public String describe() {
        StringBuilder text = new StringBuilder().append(current);
        if (total != null) {
            text.append(" of ").append(total);
        }
        if (percent != null) {
            text.append(String.format(Locale.ROOT, " (%.1f %%)", percent));
        }
        switch (state) {
            case COMPLETED -> text.append(", done");
            case CANCELLED -> text.append(", cancelled");
            case RUNNING -> {
                if (eta != null) {
                    text.append(", about ").append(formatSeconds(eta)).append(" left");
                }
            }
        }
        return text.toString();
    }

    private static String formatSeconds(Duration duration) {
        long seconds = Math.round(duration.toMillis() / 1000.0);
        if (seconds < 60) {
            return seconds + " s";
        }
        return seconds / 60 + " min " + seconds % 60 + " s";
    }
}
