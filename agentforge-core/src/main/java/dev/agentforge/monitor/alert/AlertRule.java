package dev.agentforge.monitor.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A rule the {@link AlertManager} evaluates on each tick. It returns the conditions that are true now;
 * the manager tracks how long each has held, fires it after {@link #holdFor()}, and resolves it when
 * the rule stops returning it.
 *
 * <p>Rules are called from the thread that calls {@link AlertManager#evaluate}, one at a time. An
 * exception from {@link #evaluate} is logged, and the rule's alerts keep their state until the next
 * evaluation succeeds.
 */
public interface AlertRule {

    /** The rule's name, unique within a manager; sent as {@code alertname} and matched by silences. */
    String name();

    /** The severity of the rule's alerts, unless a condition sets its own. */
    Severity severity();

    /** How long a condition must hold before its alert fires; zero fires at the first evaluation. */
    default Duration holdFor() {
        return Duration.ZERO;
    }

    /** Returns the conditions that are true at {@code now}. */
    List<AlertCondition> evaluate(Instant now);
}
