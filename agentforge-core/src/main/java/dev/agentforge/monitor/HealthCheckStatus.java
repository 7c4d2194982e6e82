package dev.agentforge.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The last known state of one registered check, as {@code /health} reports it.
 *
 * @param name the name the check is registered under
 * @param state the state of the last run
 * @param ready whether this check lets the service be ready: it has passed at least once, and it
 *     has failed fewer than {@code failureThreshold} times in a row since
 * @param message why the check is not {@code UP}, or a short note; null when there is none
 * @param details the values the check reported
 * @param duration how long the last run took, or the timeout when it timed out
 * @param checkedAt when the last run started, by the registry's clock
 * @param lastSuccess when the check last passed, or null if it never did
 * @param consecutiveFailures how many runs in a row have failed, 0 after a pass
 * @param failureThreshold how many failures in a row make the check not ready once it has passed
 * @param timeout how long the registry waits for the check
 */
public record HealthCheckStatus(String name, HealthState state, boolean ready, String message,
        Map<String, Object> details, Duration duration, Instant checkedAt, Instant lastSuccess,
        int consecutiveFailures, int failureThreshold, Duration timeout) {

    public HealthCheckStatus {
        details = details == null ? Map.of() : details;
    }
}
