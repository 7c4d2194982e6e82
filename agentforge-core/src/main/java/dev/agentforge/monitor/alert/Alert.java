package dev.agentforge.monitor.alert;

import java.time.Instant;
import java.util.SortedMap;

/**
 * One alert as a {@link Notice} reports it.
 *
 * @param rule the name of the rule that raised it
 * @param severity its severity
 * @param labels its labels, sorted by name
 * @param status its state in this notice
 * @param summary one line for people, from the rule's latest evaluation
 * @param startsAt when it last started firing
 * @param endsAt when it resolved, or null while it fires
 * @param occurrences how many times it started firing since the previous notice of its group; more than
 *     one when it fired, resolved and fired again within the group interval
 */
public record Alert(String rule, Severity severity, SortedMap<String, String> labels, AlertStatus status,
        String summary, Instant startsAt, Instant endsAt, int occurrences) {
}
