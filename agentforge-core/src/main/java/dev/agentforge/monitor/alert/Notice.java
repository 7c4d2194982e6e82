package dev.agentforge.monitor.alert;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.stream.Collectors;

/**
 * One message to the channels about one alert group: the alerts of one rule that share the group's
 * labels, aggregated over the group interval.
 *
 * @param id a unique id, the group key and a sequence number, for receivers that de-duplicate
 * @param groupKey the rule name and group labels, such as {@code breaker_open{breaker="model:gpt"}}
 * @param rule the rule that raised the alerts
 * @param status FIRING if any alert fires, else FLAPPING if any flaps, else RESOLVED
 * @param severity the highest severity among the alerts
 * @param groupLabels the labels the alerts were grouped by
 * @param alerts the alerts, firing first
 * @param sentAt when the manager sent the notice, on its clock
 */
public record Notice(String id, String groupKey, String rule, AlertStatus status, Severity severity,
        SortedMap<String, String> groupLabels, List<Alert> alerts, Instant sentAt) {

    public Notice {
        alerts = List.copyOf(alerts);
    }

    /** The number of alerts in this notice. */
    public int count() {
        return alerts.size();
    }

    /** The number of times the notice's alerts started firing since the group's previous notice. */
    public int occurrences() {
        return alerts.stream().mapToInt(Alert::occurrences).sum();
    }

    /** Returns a one-line title, such as {@code [CRITICAL] FIRING breaker_open (1 alert)}. */
    public String title() {
        return "[" + severity.name() + "] " + status.name() + " " + rule + " (" + count()
                + (count() == 1 ? " alert" : " alerts") + ")";
    }

    /** Returns a plain-text body: one line per alert, then the group key and time. */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (Alert alert : alerts) {
            text.append(line(alert)).append('\n');
        }
        text.append("group: ").append(groupKey).append('\n');
        text.append("sent at: ").append(sentAt).append('\n');
        return text.toString();
    }

    /** Returns one line about an alert, such as "FIRING critical breaker=tool:search: breaker is OPEN since ...". */
    public static String line(Alert alert) {
        String labels = alert.labels().entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(", "));
        StringBuilder line = new StringBuilder();
        line.append(alert.status().name()).append(' ').append(alert.severity().label());
        if (!labels.isEmpty()) {
            line.append(" {").append(labels).append('}');
        }
        line.append(": ").append(alert.summary());
        if (alert.startsAt() != null) {
            line.append(" (since ").append(alert.startsAt());
            if (alert.endsAt() != null) {
                line.append(", resolved ").append(alert.endsAt());
            }
            line.append(')');
        }
        if (alert.occurrences() > 1) {
            line.append(String.format(Locale.ROOT, ", fired %d times", alert.occurrences()));
        }
        return line.toString();
    }
}
