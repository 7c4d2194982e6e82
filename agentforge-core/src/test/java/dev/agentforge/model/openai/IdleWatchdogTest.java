package dev.agentforge.model.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdleWatchdogTest {

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final InstantSource clock = () -> now;
    private final List<Duration> scheduledDelays = new ArrayList<>();
    private final AtomicInteger timeouts = new AtomicInteger();
    private final IdleWatchdog watchdog = new IdleWatchdog(Duration.ofSeconds(120), clock,
            (task, delay) -> scheduledDelays.add(delay), timeouts::incrementAndGet);

    @Test
    void startSchedulesFirstCheckAtTimeout() {
        watchdog.start();

        assertThat(scheduledDelays).containsExactly(Duration.ofSeconds(120));
    }

    @Test
    void activityMovesDeadline() {
        watchdog.start();
        now = now.plusSeconds(50);
        watchdog.touch();
        now = now.plusSeconds(70);

        boolean fired = watchdog.check();

        assertThat(fired).isFalse();
        assertThat(timeouts).hasValue(0);
        assertThat(scheduledDelays).containsExactly(Duration.ofSeconds(120), Duration.ofSeconds(50));
    }

    @Test
    void firesOnceAfterDeadline() {
        watchdog.start();
        now = now.plusSeconds(120);

        boolean first = watchdog.check();
        boolean second = watchdog.check();

        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(timeouts).hasValue(1);
    }

    @Test
    void stoppedWatchdogNeverFires() {
        watchdog.start();
        watchdog.stop();
        now = now.plusSeconds(500);

        boolean fired = watchdog.check();

        assertThat(fired).isFalse();
        assertThat(timeouts).hasValue(0);
    }
}
