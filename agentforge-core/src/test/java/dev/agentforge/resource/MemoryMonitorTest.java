package dev.agentforge.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.monitor.ReadinessContributor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemoryMonitorTest {

    private static final long MAX = 1000L << 20;

    /** Heap numbers the test sets. */
    private static final class FakeHeap implements HeapUsage {
        volatile long used;

        void useFraction(double fraction) {
            used = (long) (MAX * fraction);
        }

        @Override
        public long usedBytes() {
            return used;
        }

        @Override
        public long maxBytes() {
            return MAX;
        }
    }

    /** A clock that moves only when told to. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-12-04T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final FakeHeap heap = new FakeHeap();
    private final ManualClock clock = new ManualClock();
    private final MemoryMonitor monitor = MemoryMonitor.builder()
            .heap(heap).clock(clock).softLimit(0.75).hardLimit(0.90).cleanupCooldown(Duration.ofSeconds(30)).build();

    @Test
    void levelsFollowTheLimits() {
        heap.useFraction(0.50);
        assertThat(monitor.check().level()).isEqualTo(MemoryMonitor.Level.NORMAL);
        heap.useFraction(0.75);
        assertThat(monitor.check().level()).isEqualTo(MemoryMonitor.Level.SOFT_LIMIT);
        heap.useFraction(0.95);
        assertThat(monitor.check().level()).isEqualTo(MemoryMonitor.Level.HARD_LIMIT);
        heap.useFraction(0.60);
        assertThat(monitor.check().level()).isEqualTo(MemoryMonitor.Level.NORMAL);
    }

    @Test
    void softLimitRunsCleanupOncePerCooldown() {
        AtomicInteger cleanups = new AtomicInteger();
        monitor.registerCleanup("cache", () -> {
            cleanups.incrementAndGet();
            return 1024;
        });

        heap.useFraction(0.80);
        monitor.check();
        monitor.check();
        assertThat(cleanups).hasValue(1);

        clock.advance(Duration.ofSeconds(30));
        monitor.check();
        assertThat(cleanups).hasValue(2);
    }

    @Test
    void belowSoftLimitNoCleanupRuns() {
        AtomicInteger cleanups = new AtomicInteger();
        monitor.registerCleanup("cache", cleanups::incrementAndGet);

        heap.useFraction(0.70);
        monitor.check();

        assertThat(cleanups).hasValue(0);
    }

    @Test
    void failingCleanupDoesNotStopOthers() {
        AtomicInteger cleanups = new AtomicInteger();
        monitor.registerCleanup("broken", () -> {
            throw new IllegalStateException("cache is gone");
        });
        monitor.registerCleanup("working", cleanups::incrementAndGet);

        heap.useFraction(0.80);
        monitor.check();

        assertThat(cleanups).hasValue(1);
    }

    @Test
    void hardLimitRejectsRunsAndTurnsNotReady() throws Exception {
        heap.useFraction(0.95);
        monitor.check();

        assertThatThrownBy(monitor::admitNewRun)
                .isInstanceOf(MemoryLimitExceededException.class)
                .hasMessageContaining("hard limit of 90 %")
                .hasMessageContaining("950 MiB of 1000 MiB");
        ReadinessContributor.Status status = monitor.readiness().check();
        assertThat(status.ready()).isFalse();
        assertThat(status.reason()).contains("hard limit");

        heap.useFraction(0.50);
        monitor.check();
        monitor.admitNewRun();
        assertThat(monitor.readiness().check().ready()).isTrue();
    }

    @Test
    void listenersSeeEachLevelChangeOnce() {
        List<MemoryMonitor.Level> changes = new ArrayList<>();
        monitor.onLevelChange(snapshot -> changes.add(snapshot.level()));

        heap.useFraction(0.80);
        monitor.check();
        monitor.check();
        heap.useFraction(0.95);
        monitor.check();
        heap.useFraction(0.10);
        monitor.check();

        assertThat(changes).containsExactly(MemoryMonitor.Level.SOFT_LIMIT, MemoryMonitor.Level.HARD_LIMIT,
                MemoryMonitor.Level.NORMAL);
    }

    @Test
    void invalidLimitsAreRejected() {
        assertThatThrownBy(() -> MemoryMonitor.builder().softLimit(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("softLimit must be a fraction");
        assertThatThrownBy(() -> MemoryMonitor.builder().softLimit(0.95).hardLimit(0.9).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be above the hard limit");
    }

    @Test
    void jvmHeapHasAPositiveMaximum() {
        HeapUsage jvm = HeapUsage.jvm();

        assertThat(jvm.maxBytes()).isPositive();
        assertThat(jvm.usedBytes()).isPositive().isLessThanOrEqualTo(jvm.maxBytes());
    }

    @Test
    void startedMonitorChecksOnItsOwn() {
        heap.useFraction(0.95);
        try (MemoryMonitor started = MemoryMonitor.builder().heap(heap).checkInterval(Duration.ofMillis(10)).build()) {
            started.start();

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> started.lastSnapshot().level() == MemoryMonitor.Level.HARD_LIMIT);
        }
    }
}
