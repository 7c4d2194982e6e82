package dev.agentforge.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthRegistryTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final SteppingClock clock = new SteppingClock(START);

    /** A check that returns queued results, then repeats the last one, and counts its runs. */
    private static final class ScriptedCheck implements HealthCheck {
        private final String name;
        private final Deque<HealthCheck.Result> results = new ArrayDeque<>();
        private final AtomicInteger runs = new AtomicInteger();
        private HealthCheck.Result last = HealthCheck.Result.up();

        ScriptedCheck(String name, HealthCheck.Result... queued) {
            this.name = name;
            results.addAll(java.util.List.of(queued));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public synchronized Result check() {
            runs.incrementAndGet();
            if (!results.isEmpty()) {
                last = results.poll();
            }
            return last;
        }
    }

    private HealthRegistry registry(int threshold, Duration maxAge) {
        return new HealthRegistry(new HealthRegistry.Policy(threshold, maxAge), clock);
    }

    @Test
    void emptyRegistryIsReadyAndUp() {
        HealthReport report = registry(3, Duration.ZERO).check();

        assertThat(report.ready()).isTrue();
        assertThat(report.status()).isEqualTo(HealthState.UP);
        assertThat(report.checks()).isEmpty();
    }

    @Test
    void notReadyUntilFirstPass() {
        HealthRegistry health = registry(3, Duration.ZERO);
        health.register(new ScriptedCheck("database", HealthCheck.Result.down("refused"),
                HealthCheck.Result.down("refused"), HealthCheck.Result.up()));

        HealthReport first = health.check();
        HealthReport second = health.check();
        HealthReport third = health.check();

        assertThat(first.ready()).isFalse();
        assertThat(first.checks().getFirst().consecutiveFailures()).isEqualTo(1);
        assertThat(second.ready()).isFalse();
        assertThat(third.ready()).isTrue();
        assertThat(third.checks().getFirst().lastSuccess()).isEqualTo(START);
    }

    @Test
    void failureThresholdKeepsReadyAfterPass() {
        HealthRegistry health = registry(3, Duration.ZERO);
        health.register(new ScriptedCheck("database", HealthCheck.Result.up(), HealthCheck.Result.down("refused")));

        assertThat(health.check().ready()).isTrue();
        HealthReport oneFailure = health.check();
        HealthReport twoFailures = health.check();
        HealthReport threeFailures = health.check();

        assertThat(oneFailure.ready()).isTrue();
        assertThat(oneFailure.status()).isEqualTo(HealthState.DEGRADED);
        assertThat(oneFailure.checks().getFirst().state()).isEqualTo(HealthState.DOWN);
        assertThat(twoFailures.ready()).isTrue();
        assertThat(threeFailures.ready()).isFalse();
        assertThat(threeFailures.status()).isEqualTo(HealthState.DOWN);
        assertThat(threeFailures.checks().getFirst().consecutiveFailures()).isEqualTo(3);
    }

    @Test
    void passResetsFailureCount() {
        HealthRegistry health = registry(2, Duration.ZERO);
        health.register(new ScriptedCheck("database", HealthCheck.Result.up(), HealthCheck.Result.down("refused"),
                HealthCheck.Result.up(), HealthCheck.Result.down("refused")));

        health.check();
        health.check();
        health.check();
        HealthReport report = health.check();

        assertThat(report.ready()).isTrue();
        assertThat(report.checks().getFirst().consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void resultCachedUntilMaxAge() {
        HealthRegistry health = registry(3, Duration.ofSeconds(10));
        ScriptedCheck check = new ScriptedCheck("database");
        health.register(check);

        health.check();
        clock.advance(Duration.ofSeconds(9));
        health.check();
        int runsWithinAge = check.runs.get();
        clock.advance(Duration.ofSeconds(1));
        HealthReport expired = health.check();

        assertThat(runsWithinAge).isEqualTo(1);
        assertThat(check.runs.get()).isEqualTo(2);
        assertThat(expired.checks().getFirst().checkedAt()).isEqualTo(START.plusSeconds(10));
    }

    @Test
    void hangingCheckTimesOutWithoutRestart() throws Exception {
        HealthRegistry health = registry(1, Duration.ZERO);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger starts = new AtomicInteger();
        health.register(HealthCheck.of("database", Duration.ofMillis(200), () -> {
            starts.incrementAndGet();
            release.await(30, TimeUnit.SECONDS);
            return HealthCheck.Result.up();
        }));
        try {
            HealthReport first = health.check();
            HealthReport second = health.check();

            HealthCheckStatus status = first.checks().getFirst();
            assertThat(status.state()).isEqualTo(HealthState.TIMEOUT);
            assertThat(status.message()).contains("200 ms");
            assertThat(status.duration()).isEqualTo(Duration.ofMillis(200));
            assertThat(first.ready()).isFalse();
            assertThat(second.checks().getFirst().consecutiveFailures()).isEqualTo(2);
            assertThat(starts.get()).as("a check still running is not started again").isEqualTo(1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void checksRunInParallel() {
        HealthRegistry health = registry(1, Duration.ZERO);
        // Each check waits for the other to start, so they pass only when both run at once.
        CountDownLatch bothStarted = new CountDownLatch(2);
        for (String name : new String[] {"cache", "database"}) {
            health.register(HealthCheck.of(name, Duration.ofSeconds(20), () -> {
                bothStarted.countDown();
                return bothStarted.await(20, TimeUnit.SECONDS)
                        ? HealthCheck.Result.up()
                        : HealthCheck.Result.down("the other check never started");
            }));
        }

        HealthReport report = health.check();

        assertThat(report.ready()).isTrue();
        assertThat(report.checks()).extracting(HealthCheckStatus::name).containsExactly("cache", "database");
    }

    @Test
    void exceptionIsDownWithMessage() {
        HealthRegistry health = registry(1, Duration.ZERO);
        health.register(HealthCheck.of("database", Duration.ofSeconds(5), () -> {
            throw new IllegalStateException("Connection refused: 127.0.0.1:5432");
        }));

        HealthCheckStatus status = health.check().checks().getFirst();

        assertThat(status.state()).isEqualTo(HealthState.DOWN);
        assertThat(status.message()).isEqualTo("Connection refused: 127.0.0.1:5432");
    }

    @Test
    void degradedCheckKeepsServiceReady() {
        HealthRegistry health = registry(1, Duration.ZERO);
        health.register(new ScriptedCheck("model", HealthCheck.Result.degraded("breaker model:gpt is OPEN")));

        HealthReport report = health.check();

        assertThat(report.ready()).isTrue();
        assertThat(report.status()).isEqualTo(HealthState.DEGRADED);
        assertThat(report.checks().getFirst().message()).isEqualTo("breaker model:gpt is OPEN");
    }

    @Test
    void drainingMakesNotReadyAtOnce() {
        HealthRegistry health = registry(3, Duration.ZERO);
        health.register(new ScriptedCheck("database"));

        health.startDraining("the server is stopping");
        HealthReport draining = health.check();
        health.stopDraining();

        assertThat(draining.ready()).isFalse();
        assertThat(draining.draining()).isEqualTo("the server is stopping");
        assertThat(health.check().ready()).isTrue();
    }

    @Test
    void localPolicyOverridesDefaults() {
        HealthRegistry health = registry(3, Duration.ofMinutes(1));
        health.register(new ScriptedCheck("memory", HealthCheck.Result.up(), HealthCheck.Result.down("hard limit")),
                HealthRegistry.Policy.LOCAL);

        health.check();
        HealthReport report = health.check();

        assertThat(report.ready()).isFalse();
        assertThat(report.checks().getFirst().failureThreshold()).isEqualTo(1);
    }

    @Test
    void invalidRegistrationsAreRejected() {
        HealthRegistry health = registry(3, Duration.ZERO);
        health.register(new ScriptedCheck("database"));

        assertThatThrownBy(() -> health.register(new ScriptedCheck("database")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'database'");
        assertThatThrownBy(() -> HealthCheck.of("slow", Duration.ZERO, HealthCheck.Result::up))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> new HealthRegistry.Policy(0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A clock that moves only when a test calls {@link #advance}. */
    static final class SteppingClock extends Clock {
        private final AtomicReference<Instant> now;

        SteppingClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(Duration duration) {
            now.updateAndGet(instant -> instant.plus(duration));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
