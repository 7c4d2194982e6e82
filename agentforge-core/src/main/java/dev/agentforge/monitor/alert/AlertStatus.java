package dev.agentforge.monitor.alert;

import java.util.Locale;

/** The state an alert is reported in. */
public enum AlertStatus {
    /** The condition holds and has held for the rule's hold duration. */
    FIRING,
    /** The condition held and no longer does. */
    RESOLVED,
    /**
     * The alert changed between firing and resolved too often within the flap window. It is reported once
     * and then kept quiet until it settles.
     */
    FLAPPING;

    /** The lower-case name used in payloads, such as {@code firing}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
