package dev.agentforge.monitor.profile;

import java.time.Clock;
import java.time.Instant;

/** Micrometer's clock on a {@link java.time.Clock}, so a manual test clock also drives Micrometer's windows. */
final class MicrometerClock implements io.micrometer.core.instrument.Clock {

    private final Clock clock;

    MicrometerClock(Clock clock) {
        this.clock = clock;
    }

    @Override
    public long wallTime() {
        return clock.millis();
    }

    @Override
    public long monotonicTime() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
