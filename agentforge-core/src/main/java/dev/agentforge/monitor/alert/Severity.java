package dev.agentforge.monitor.alert;

import java.util.Locale;

/** How urgent an alert is, in rising order. A higher severity inhibits a lower one with the same labels. */
public enum Severity {
    INFO,
    WARNING,
    CRITICAL;

    /** The lower-case name used in payloads and labels, such as {@code critical}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this severity is at least {@code other}. */
    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }
}
