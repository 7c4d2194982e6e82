package dev.agentforge.monitor.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.resilience.BreakerState;
import dev.agentforge.resilience.BreakerStateChange;
import dev.agentforge.resilience.CircuitBreakers;
import dev.agentforge.resource.HeapUsage;
import dev.agentforge.resource.MemoryMonitor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AlertManagerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TICK = Duration.ofSeconds(30);
    private static final AlertSettings SETTINGS = AlertSettings.DEFAULTS;

    private final RecordingChannel channel = new RecordingChannel();
    private final AtomicBoolean condition = new AtomicBoolean();

    /** Creates a rule whose single condition the test switches on and off. */
    private AlertRule switchRule(String name, Severity severity, Duration holdFor) {
        return new AlertRule() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Severity severity() {
                return severity;
            }

            @Override
            public Duration holdFor() {
                return holdFor;
            }

            @Override
            public List<AlertCondition> evaluate(Instant now) {
                return condition.get() ? List.of(AlertCondition.of(Map.of("service", "api"), name + " holds")) : List.of();
            }
        };
    }

    /** Evaluates every 30 s from {@code from} up to and including {@code to}. */
    private static void tick(AlertManager manager, Instant from, Instant to) {
        for (Instant now = from; !now.isAfter(to); now = now.plus(TICK)) {
            manager.evaluate(now);
        }
    }

    @Test
    void thresholdFiresAfterHoldDuration() {
        AtomicLong queueDepth = new AtomicLong(150);
        AlertManager manager = AlertManager.builder()
                .rule(ThresholdRule.builder("queue_deep").value(queueDepth::get).above(100)
                        .holdFor(Duration.ofMinutes(2)).description("tool queue depth").build())
                .channel(channel)
                .build();

        tick(manager, T0, T0.plus(Duration.ofMinutes(2)));
        assertThat(channel.notices()).isEmpty();
        tick(manager, T0.plusSeconds(150), T0.plusSeconds(150));

        assertThat(channel.notices()).hasSize(1);
        Notice fired = channel.notices().getFirst();
        assertThat(fired.status()).isEqualTo(AlertStatus.FIRING);
        assertThat(fired.severity()).isEqualTo(Severity.WARNING);
        assertThat(fired.alerts().getFirst().summary()).isEqualTo("tool queue depth is 150, above the threshold 100");
        assertThat(fired.alerts().getFirst().startsAt()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    }

    @Test
    void thresholdResetsWhenValueDipsDuringHold() {
        AtomicLong queueDepth = new AtomicLong(150);
        AlertManager manager = AlertManager.builder()
                .rule(ThresholdRule.builder("queue_deep").value(queueDepth::get).above(100)
                        .holdFor(Duration.ofMinutes(2)).build())
                .settings(SETTINGS.withGroupWait(Duration.ZERO))
                .channel(channel)
                .build();

        manager.evaluate(T0);
        queueDepth.set(50);
        manager.evaluate(T0.plusSeconds(60));
        queueDepth.set(150);
        tick(manager, T0.plusSeconds(90), T0.plusSeconds(180));

        assertThat(channel.notices()).isEmpty();
        manager.evaluate(T0.plusSeconds(210));
        assertThat(channel.notices()).hasSize(1);
    }

    @Test
    void resolveNoticeAfterGroupInterval() {
        AlertManager manager = AlertManager.builder()
                .rule(switchRule("api_down", Severity.CRITICAL, Duration.ZERO))
                .channel(channel)
                .build();

        condition.set(true);
        tick(manager, T0, T0.plusSeconds(30));
        condition.set(false);
        tick(manager, T0.plusSeconds(60), T0.plus(Duration.ofMinutes(5)));
        assertThat(channel.notices()).hasSize(1);
        manager.evaluate(T0.plusSeconds(330));

        assertThat(channel.notices()).extracting(Notice::status).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
        Alert resolved = channel.notices().get(1).alerts().getFirst();
        assertThat(resolved.endsAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(resolved.severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void unchangedAlertRepeatsOnlyAfterRepeatInterval() {
        AlertManager manager = AlertManager.builder()
                .rule(switchRule("api_down", Severity.CRITICAL, Duration.ZERO))
                .settings(SETTINGS.withRepeatInterval(Duration.ofHours(1)))
                .channel(channel)
                .build();

        condition.set(true);
        tick(manager, T0, T0.plus(Duration.ofMinutes(59)));
        assertThat(channel.notices()).hasSize(1);
        tick(manager, T0.plus(Duration.ofMinutes(60)), T0.plus(Duration.ofMinutes(61)));

        assertThat(channel.notices()).hasSize(2);
        assertThat(channel.notices().get(1).id()).isNotEqualTo(channel.notices().get(0).id());
    }

    @Test
    void flappingConditionSendsOneFlappingNotice() {
        AlertManager manager = AlertManager.builder()
                .rule(switchRule("api_down", Severity.CRITICAL, Duration.ZERO))
                .channel(channel)
                .build();

        // The condition flips every 5 minutes for 3 hours, evaluated every 30 s.
        for (Instant now = T0; now.isBefore(T0.plus(Duration.ofHours(3))); now = now.plus(TICK)) {
            condition.set(Duration.between(T0, now).toMinutes() / 5 % 2 == 0);
            manager.evaluate(now);
        }

        List<Notice> notices = channel.notices();
        List<Notice> flapping = notices.stream().filter(notice -> notice.status() == AlertStatus.FLAPPING).toList();
        assertThat(flapping).hasSize(1);
        assertThat(notices.getLast()).isSameAs(flapping.getFirst());
        assertThat(notices).hasSizeLessThanOrEqualTo(SETTINGS.flapThreshold());
        assertThat(flapping.getFirst().sentAt()).isBefore(T0.plus(Duration.ofMinutes(20)));
        assertThat(manager.activeAlerts()).extracting(Alert::status).containsExactly(AlertStatus.FLAPPING);
    }

    @Test
    void flappingAlertSettlesWithOneNotice() {
        AlertManager manager = AlertManager.builder()
                .rule(switchRule("api_down", Severity.CRITICAL, Duration.ZERO))
                .channel(channel)
                .build();
        Instant flipsEnd = T0.plus(Duration.ofMinutes(40));
        for (Instant now = T0; now.isBefore(flipsEnd); now = now.plus(TICK)) {
            condition.set(Duration.between(T0, now).toMinutes() / 5 % 2 == 0);
            manager.evaluate(now);
        }
        int beforeSettling = channel.notices().size();

        condition.set(false);
        tick(manager, flipsEnd, flipsEnd.plus(Duration.ofHours(2)));

        List<Notice> after = channel.notices().subList(beforeSettling, channel.notices().size());
        assertThat(after).extracting(Notice::status).containsExactly(AlertStatus.RESOLVED);
        assertThat(manager.activeAlerts()).isEmpty();
    }

    @Test
    void groupIntervalOfOneSecondRejected() {
        assertThatThrownBy(() -> SETTINGS.withGroupInterval(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid groupInterval PT1S: the minimum is PT10S");
        assertThat(SETTINGS.withGroupInterval(AlertSettings.MIN_GROUP_INTERVAL).groupInterval())
                .isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void breakersInOneGroupShareNotice() {
        BreakerOpenRule rule = BreakerOpenRule.watching(CircuitBreakers.create(), "breaker_open", Severity.CRITICAL);
        AlertManager manager = AlertManager.builder().rule(rule).groupBy().channel(channel).build();

        for (String name : List.of("tool:search", "tool:fetch", "model:gpt")) {
            rule.onStateChange(new BreakerStateChange(name, BreakerState.CLOSED, BreakerState.OPEN, T0, "failure rate 60.0%"));
        }
        tick(manager, T0, T0.plusSeconds(30));

        assertThat(channel.notices()).hasSize(1);
        Notice notice = channel.notices().getFirst();
        assertThat(notice.count()).isEqualTo(3);
        assertThat(notice.groupKey()).isEqualTo("breaker_open{}");
        assertThat(notice.title()).isEqualTo("[CRITICAL] FIRING breaker_open (3 alerts)");
        assertThat(notice.alerts()).extracting(alert -> alert.labels().get("breaker"))
                .containsExactlyInAnyOrder("tool:search", "tool:fetch", "model:gpt");
    }

    @Test
    void refiringWithinIntervalCountsOccurrences() {
        BreakerOpenRule rule = BreakerOpenRule.watching(CircuitBreakers.create(), "breaker_open", Severity.CRITICAL);
        AlertManager manager = AlertManager.builder().rule(rule).channel(channel).build();
        rule.onStateChange(new BreakerStateChange("tool:search", BreakerState.CLOSED, BreakerState.OPEN, T0, "failing"));
        tick(manager, T0, T0.plusSeconds(30));

        rule.onStateChange(new BreakerStateChange("tool:search", BreakerState.OPEN, BreakerState.HALF_OPEN, T0, "trial"));
        manager.evaluate(T0.plusSeconds(60));
        rule.onStateChange(new BreakerStateChange("tool:search", BreakerState.HALF_OPEN, BreakerState.OPEN, T0, "trial failed"));
        tick(manager, T0.plusSeconds(90), T0.plusSeconds(330));

        assertThat(channel.notices()).hasSize(2);
        Notice second = channel.notices().get(1);
        assertThat(second.status()).isEqualTo(AlertStatus.FIRING);
        assertThat(second.alerts().getFirst().occurrences()).isEqualTo(1);
        assertThat(second.sentAt()).isEqualTo(T0.plusSeconds(330));
    }

    @Test
    void breakerOpeningThroughRegistryFires() {
        CircuitBreakers breakers = CircuitBreakers.create();
        AlertManager manager = AlertManager.builder()
                .rule(BreakerOpenRule.watching(breakers, "breaker_open", Severity.CRITICAL))
                .settings(SETTINGS.withGroupWait(Duration.ZERO))
                .channel(channel)
                .build();

        breakers.forTool("search").transitionToOpenState();
        manager.evaluate(T0);

        assertThat(channel.notices()).hasSize(1);
        assertThat(channel.notices().getFirst().alerts().getFirst().labels()).containsEntry("breaker", "tool:search");
        assertThat(channel.notices().getFirst().severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void criticalMemoryInhibitsWarning() {
        AtomicLong used = new AtomicLong();
        HeapUsage heap = new HeapUsage() {
            @Override
            public long usedBytes() {
                return used.get();
            }

            @Override
            public long maxBytes() {
                return 1000L << 20;
            }
        };
        MemoryMonitor monitor = MemoryMonitor.builder().heap(heap).build();
        AlertManager manager = AlertManager.builder()
                .rule(MemoryRule.atLevel(monitor, MemoryMonitor.Level.SOFT_LIMIT, "memory_high", Severity.WARNING))
                .rule(MemoryRule.atLevel(monitor, MemoryMonitor.Level.HARD_LIMIT, "memory_critical", Severity.CRITICAL))
                .settings(SETTINGS.withGroupWait(Duration.ZERO))
                .channel(channel)
                .build();

        used.set(950L << 20);
        monitor.check();
        manager.evaluate(T0);

        assertThat(channel.notices()).extracting(Notice::rule).containsExactly("memory_critical");
        assertThat(manager.activeAlerts()).extracting(Alert::rule)
                .containsExactlyInAnyOrder("memory_high", "memory_critical");

        used.set(800L << 20);
        monitor.check();
        manager.evaluate(T0.plusSeconds(30));

        assertThat(channel.notices()).extracting(Notice::rule).containsExactly("memory_critical", "memory_high");
        assertThat(channel.notices().get(1).severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void memorySpikeBetweenEvaluationsFires() {
        AtomicLong used = new AtomicLong();
        MemoryMonitor monitor = MemoryMonitor.builder().heap(new HeapUsage() {
            @Override
            public long usedBytes() {
                return used.get();
            }

            @Override
            public long maxBytes() {
                return 1000;
            }
        }).build();
        AlertManager manager = AlertManager.builder()
                .rule(MemoryRule.atLevel(monitor, MemoryMonitor.Level.HARD_LIMIT, "memory_critical", Severity.CRITICAL))
                .settings(SETTINGS.withGroupWait(Duration.ZERO))
                .channel(channel)
                .build();

        used.set(950);
        monitor.check();
        used.set(100);
        monitor.check();
        manager.evaluate(T0);

        assertThat(channel.notices()).extracting(Notice::status).containsExactly(AlertStatus.FIRING);
    }

    @Test
    void errorRateOverWindow() {
        ErrorRateRule rule = ErrorRateRule.builder("tool_errors").window(Duration.ofMinutes(5)).threshold(0.5)
                .minimumCount(4).description("tool calls").build();
        AlertManager manager = AlertManager.builder().rule(rule).settings(SETTINGS.withGroupWait(Duration.ZERO))
                .channel(channel).build();

        rule.record(T0, false);
        rule.record(T0.plusSeconds(10), true);
        rule.record(T0.plusSeconds(20), true);
        manager.evaluate(T0.plusSeconds(30));
        assertThat(channel.notices()).isEmpty();
        rule.record(T0.plusSeconds(40), true);
        manager.evaluate(T0.plusSeconds(60));

        assertThat(channel.notices()).hasSize(1);
        assertThat(channel.notices().getFirst().alerts().getFirst().summary())
                .isEqualTo("tool calls error rate is 75.0% (3 of 4 in PT5M), at or above 50.0%");
        manager.evaluate(T0.plus(Duration.ofMinutes(6)));
        assertThat(channel.notices()).extracting(Notice::status).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
    }

    @Test
    void silenceMutesUntilExpiry() {
        AlertManager manager = AlertManager.builder()
                .rule(switchRule("api_down", Severity.CRITICAL, Duration.ZERO))
                .channel(channel)
                .build();
        Silence silence = manager.addSilence(List.of(LabelMatcher.equal("alertname", "api_down"),
                LabelMatcher.regex("service", "a.i")), T0, T0.plus(Duration.ofMinutes(10)), "oncall", "deploying");

        condition.set(true);
        tick(manager, T0, T0.plus(Duration.ofMinutes(9)));
        assertThat(channel.notices()).isEmpty();
        assertThat(manager.silences()).containsExactly(silence);
        tick(manager, T0.plus(Duration.ofMinutes(10)), T0.plusSeconds(630));

        assertThat(manager.silences()).isEmpty();
        assertThat(channel.notices()).hasSize(1);
        assertThat(channel.notices().getFirst().sentAt()).isEqualTo(T0.plusSeconds(630));
    }

    @Test
    void nonMatchingSilenceLetsAlertThrough() {
        AlertManager manager = AlertManager.builder()
                .rule(switchRule("api_down", Severity.CRITICAL, Duration.ZERO))
                .channel(channel)
                .build();
        manager.addSilence(List.of(LabelMatcher.equal("severity", "warning")), T0, T0.plus(Duration.ofHours(1)),
                "oncall", "only warnings");

        condition.set(true);
        tick(manager, T0, T0.plusSeconds(30));

        assertThat(channel.notices()).hasSize(1);
    }

    @Test
    void failedDeliveryRetriedWithBackoff() {
        channel.failures = 1;
        AlertManager manager = AlertManager.builder()
                .rule(switchRule("api_down", Severity.CRITICAL, Duration.ZERO))
                .settings(SETTINGS.withGroupWait(Duration.ZERO))
                .channel(channel)
                .build();

        condition.set(true);
        manager.evaluate(T0);
        manager.evaluate(T0.plusSeconds(5));
        assertThat(channel.notices()).isEmpty();
        manager.evaluate(T0.plusSeconds(10));

        assertThat(channel.attempts).isEqualTo(2);
        assertThat(channel.notices()).hasSize(1);
    }

    @Test
    void channelMinimumSeverityRoutes() {
        RecordingChannel pager = new RecordingChannel();
        AlertManager manager = AlertManager.builder()
                .rule(switchRule("slow_runs", Severity.WARNING, Duration.ZERO))
                .settings(SETTINGS.withGroupWait(Duration.ZERO))
                .channel(channel)
                .channel(pager, Severity.CRITICAL)
                .build();

        condition.set(true);
        manager.evaluate(T0);

        assertThat(channel.notices()).hasSize(1);
        assertThat(pager.notices()).isEmpty();
    }

    @Test
    void failingRuleKeepsAlertState() {
        AtomicBoolean broken = new AtomicBoolean();
        AlertManager manager = AlertManager.builder()
                .rule(ThresholdRule.builder("queue_deep").value(() -> {
                    if (broken.get()) {
                        throw new IllegalStateException("meter not found");
                    }
                    return 500;
                }).above(100).build())
                .settings(SETTINGS.withGroupWait(Duration.ZERO))
                .channel(channel)
                .build();

        manager.evaluate(T0);
        broken.set(true);
        tick(manager, T0.plusSeconds(30), T0.plus(Duration.ofMinutes(10)));

        assertThat(channel.notices()).extracting(Notice::status).containsExactly(AlertStatus.FIRING);
        assertThat(manager.activeAlerts()).hasSize(1);
    }
}
