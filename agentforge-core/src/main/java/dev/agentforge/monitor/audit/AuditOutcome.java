package dev.agentforge.monitor.audit;

import java.util.Locale;

/** The outcome of an audited action. The JSON, CSV and database forms use the lower-case name. */
public enum AuditOutcome {

    /** The action was carried out. */
    SUCCESS,

    /** The action was attempted and failed, such as a tool call that threw or a rejected request. */
    FAILURE,

    /** The action was not allowed: a failed authentication or a request without permission. */
    DENIED;

    /** Returns the lower-case name used in stored records, such as {@code success}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a stored outcome name, in any case.
     *
     * @throws IllegalArgumentException if the text names no outcome
     */
    public static AuditOutcome parse(String text) {
        for (AuditOutcome outcome : values()) {
            if (outcome.value().equalsIgnoreCase(text)) {
                return outcome;
            }
        }
        throw new IllegalArgumentException("Invalid audit outcome '" + text + "'; use success, failure or denied");
    }
}
