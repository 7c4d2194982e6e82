package dev.agentforge.monitor.alert;

import dev.agentforge.resource.MemoryMonitor;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fires while the heap is at or above a {@link MemoryMonitor} level, with the label
 * {@code resource=heap}. Add one rule per level, such as a warning at the soft limit and a critical
 * alert at the hard limit: both carry the same labels, so the critical alert inhibits the warning.
 *
 * <p>The rule listens to {@link MemoryMonitor#onLevelChange} and latches the highest level seen since
 * the previous evaluation, so a spike between two evaluations still fires once.
 */
public final class MemoryRule implements AlertRule {

    /** The labels of every memory alert. */
    public static final Map<String, String> LABELS = Map.of("resource", "heap");

    private final String name;
    private final Severity severity;
    private final MemoryMonitor.Level level;
    private final MemoryMonitor monitor;
    private final AtomicReference<MemoryMonitor.Snapshot> peak = new AtomicReference<>();

    private MemoryRule(String name, Severity severity, MemoryMonitor.Level level, MemoryMonitor monitor) {
        this.name = Objects.requireNonNull(name, "name");
        this.severity = Objects.requireNonNull(severity, "severity");
        this.level = Objects.requireNonNull(level, "level");
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        if (level == MemoryMonitor.Level.NORMAL) {
            throw new IllegalArgumentException("A memory rule at level NORMAL would always fire; use SOFT_LIMIT or HARD_LIMIT");
        }
    }

    /** Creates a rule that fires at or above {@code level} and subscribes it to the monitor. */
    public static MemoryRule atLevel(MemoryMonitor monitor, MemoryMonitor.Level level, String name, Severity severity) {
        MemoryRule rule = new MemoryRule(name, severity, level, monitor);
        monitor.onLevelChange(rule::onLevelChange);
        return rule;
    }

    private void onLevelChange(MemoryMonitor.Snapshot snapshot) {
        peak.accumulateAndGet(snapshot, (previous, next) ->
                previous == null || next.level().compareTo(previous.level()) >= 0 ? next : previous);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Severity severity() {
        return severity;
    }

    @Override
    public List<AlertCondition> evaluate(Instant now) {
        MemoryMonitor.Snapshot current = monitor.lastSnapshot();
        MemoryMonitor.Snapshot latched = peak.getAndSet(null);
        MemoryMonitor.Snapshot worst = latched != null && latched.level().compareTo(current.level()) > 0 ? latched : current;
        if (worst.level().compareTo(level) < 0) {
            return List.of();
        }
        String summary = String.format(Locale.ROOT, "Heap at %s: %.1f%% of the maximum (%d of %d MiB) at %s",
                worst.level(), worst.usedFraction() * 100, worst.usedBytes() >> 20, worst.maxBytes() >> 20, worst.at());
        return List.of(AlertCondition.of(LABELS, summary));
    }
}
