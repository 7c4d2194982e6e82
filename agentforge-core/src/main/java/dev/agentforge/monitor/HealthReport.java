package dev.agentforge.monitor;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of one round of health checks.
 *
 * @param status {@code DOWN} when the service is not ready, {@code DEGRADED} when it is ready but a
 *     check is not {@code UP}, else {@code UP}; never {@code TIMEOUT}
 * @param ready whether the service takes new work: it is not draining and every check is ready
 * @param draining the reason the service is draining, or null when it is not
 * @param checkedAt when the round started, by the registry's clock
 * @param checks the status of each check, sorted by name
 */
public record HealthReport(HealthState status, boolean ready, String draining, Instant checkedAt,
        List<HealthCheckStatus> checks) {

    public HealthReport {
        checks = List.copyOf(checks);
    }
}
