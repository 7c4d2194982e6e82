package dev.agentforge.monitor.audit;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An entry to record: an audit record before {@link AuditLog} gives it a sequence number, a time,
 * redaction and its place in the chain.
 *
 * @param actor the principal that acted; {@code anonymous} until authentication exists
 * @param action what was done, one of {@link AuditActions} or an {@code admin.*} name
 * @param resource what it was done to, or null
 * @param outcome how it ended
 * @param detail more about the outcome, or null; redacted before it is stored
 * @param runId the run the action belongs to, or null
 * @param origin where the request came from, {@link RequestOrigin#NONE} for actions that did not arrive over HTTP
 * @param attributes further named values; redacted before they are stored
 */
public record AuditEntry(String actor, String action, String resource, AuditOutcome outcome, String detail,
        String runId, RequestOrigin origin, Map<String, String> attributes) {

    public AuditEntry {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("An audit entry needs an actor, got '" + actor + "'");
        }
        if (action == null || action.isBlank()) {
            throw new IllegalArgumentException("An audit entry needs an action, got '" + action + "'");
        }
        Objects.requireNonNull(outcome, "outcome");
        origin = origin == null ? RequestOrigin.NONE : origin;
        attributes = attributes == null ? Map.of() : new TreeMap<>(attributes);
    }

    /** Returns a builder for an entry with this actor and action, whose outcome is success until set. */
    public static Builder builder(String actor, String action) {
        return new Builder(actor, action);
    }

    /** Builds an {@link AuditEntry}. */
    public static final class Builder {
        private final String actor;
        private final String action;
        private String resource;
        private AuditOutcome outcome = AuditOutcome.SUCCESS;
        private String detail;
        private String runId;
        private RequestOrigin origin = RequestOrigin.NONE;
        private final Map<String, String> attributes = new TreeMap<>();

        private Builder(String actor, String action) {
            this.actor = actor;
            this.action = action;
        }

        public Builder resource(String resource) {
            this.resource = resource;
            return this;
        }

        public Builder outcome(AuditOutcome outcome) {
            this.outcome = outcome;
            return this;
        }

        public Builder detail(String detail) {
            this.detail = detail;
            return this;
        }

        public Builder runId(String runId) {
            this.runId = runId;
            return this;
        }

        public Builder origin(RequestOrigin origin) {
            this.origin = origin;
            return this;
        }

        /** Adds a named value; a null value is left out. */
        public Builder attribute(String name, Object value) {
            if (value != null) {
                attributes.put(name, value.toString());
            }
            return this;
        }

        public AuditEntry build() {
            return new AuditEntry(actor, action, resource, outcome, detail, runId, origin, attributes);
        }
    }
}
