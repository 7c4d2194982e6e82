package dev.agentforge.monitor.alert;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One condition a rule finds true at an evaluation, such as one open breaker.
 *
 * @param labels what the condition is about, such as {@code breaker=model:gpt-4o}; alerts with equal
 *     labels are the same alert across evaluations
 * @param summary one line for people, such as "breaker model:gpt-4o is OPEN"
 * @param severity the severity of this condition, or null for the rule's
 */
public record AlertCondition(Map<String, String> labels, String summary, Severity severity) {

    public AlertCondition {
        labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(labels, "labels")));
        Objects.requireNonNull(summary, "summary");
    }

    /** Creates a condition with the rule's severity. */
    public static AlertCondition of(Map<String, String> labels, String summary) {
        return new AlertCondition(labels, summary, null);
    }
}
