package dev.agentforge.monitor;

import dev.agentforge.resource.MemoryMonitor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The heap as a health check, from the last snapshot of a {@link MemoryMonitor}: below the soft
 * limit it is {@code UP}, at or above it {@code DEGRADED}, and at or above the hard limit
 * {@code DOWN}, which makes the service not ready while new runs are rejected. It reads the snapshot
 * and never measures the heap itself, so it returns at once; register it with
 * {@link HealthRegistry.Policy#LOCAL}.
 */
public final class MemoryHealthCheck implements HealthCheck {

    /** The name the check is registered under unless another is given. */
    public static final String NAME = "memory";

    private final String name;
    private final MemoryMonitor monitor;

    public MemoryHealthCheck(MemoryMonitor monitor) {
        this(NAME, monitor);
    }

    public MemoryHealthCheck(String name, MemoryMonitor monitor) {
        this.name = Objects.requireNonNull(name, "name");
        this.monitor = Objects.requireNonNull(monitor, "monitor");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Result check() throws Exception {
        MemoryMonitor.Snapshot snapshot = monitor.lastSnapshot();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("level", snapshot.level().name());
        details.put("usedBytes", snapshot.usedBytes());
        details.put("maxBytes", snapshot.maxBytes());
        details.put("usedFraction", Math.round(snapshot.usedFraction() * 1000) / 1000.0);
        details.put("measuredAt", snapshot.at().toString());
        Result result = switch (snapshot.level()) {
            case NORMAL -> Result.up();
            case SOFT_LIMIT -> Result.degraded(String.format("Heap usage %d MiB of %d MiB is at or above the soft"
                    + " limit; finished runs are being evicted", snapshot.usedBytes() >> 20, snapshot.maxBytes() >> 20));
            // The monitor's own contributor words the hard limit the way run rejections do.
            case HARD_LIMIT -> Result.down(monitor.readiness().check().reason());
        };
        return result.withDetails(details);
    }
}
