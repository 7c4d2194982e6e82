package dev.agentforge.monitor.audit;

import java.time.Instant;

/**
 * A filter over audit records. Every field is optional; records must match all that are set.
 * Results come in sequence order.
 *
 * @param actor the exact actor, or null for any
 * @param action the exact action, or a prefix followed by {@code *} such as {@code admin.*}; or null for any
 * @param from the earliest time, inclusive, or null
 * @param to the latest time, exclusive, or null
 * @param runId the exact run id, or null for any
 * @param afterSequence only records with a greater sequence number, 0 for all: the cursor of the next page
 * @param limit the most records returned, from 1 to {@value #MAX_LIMIT}
 */
public record AuditQuery(String actor, String action, Instant from, Instant to, String runId, long afterSequence,
        int limit) {

    /** The limit when none is given. */
    public static final int DEFAULT_LIMIT = 100;

    /** The largest limit accepted. */
    public static final int MAX_LIMIT = 10_000;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", got " + limit);
        }
        if (afterSequence < 0) {
            throw new IllegalArgumentException("afterSequence must not be negative, got " + afterSequence);
        }
        if (from != null && to != null && to.isBefore(from)) {
            throw new IllegalArgumentException("'to' (" + to + ") is before 'from' (" + from + ")");
        }
        actor = blankToNull(actor);
        action = blankToNull(action);
        runId = blankToNull(runId);
        if (action != null && action.indexOf('*') >= 0 && action.indexOf('*') != action.length() - 1) {
            throw new IllegalArgumentException("Invalid action filter '" + action
                    + "': '*' may only end a prefix, as in admin.*");
        }
    }

    /** Returns a query that matches every record, up to the default limit. */
    public static AuditQuery all() {
        return new AuditQuery(null, null, null, null, null, 0, DEFAULT_LIMIT);
    }

    /** Returns a builder with no filters and the default limit. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns whether the action filter is a prefix ending in {@code *}. */
    public boolean actionIsPrefix() {
        return action != null && action.endsWith("*");
    }

    /** Returns the action filter without its trailing {@code *}. */
    public String actionPrefix() {
        return actionIsPrefix() ? action.substring(0, action.length() - 1) : action;
    }

    /** Returns whether a record passes every filter of this query but the limit. */
    public boolean matches(AuditRecord record) {
        if (record.sequence() <= afterSequence) {
            return false;
        }
        if (actor != null && !actor.equals(record.actor())) {
            return false;
        }
        if (action != null && !(actionIsPrefix() ? record.action().startsWith(actionPrefix())
                : action.equals(record.action()))) {
            return false;
        }
        if (from != null && record.time().isBefore(from)) {
            return false;
        }
        if (to != null && !record.time().isBefore(to)) {
            return false;
        }
        return runId == null || runId.equals(record.runId());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Builds an {@link AuditQuery}. */
    public static final class Builder {
        private String actor;
        private String action;
        private Instant from;
        private Instant to;
        private String runId;
        private long afterSequence;
        private int limit = DEFAULT_LIMIT;

        private Builder() {
        }

        public Builder actor(String actor) {
            this.actor = actor;
            return this;
        }

        /** Sets the exact action, or a prefix followed by {@code *}. */
        public Builder action(String action) {
            this.action = action;
            return this;
        }

        /** Sets the earliest time, inclusive. */
        public Builder from(Instant from) {
            this.from = from;
            return this;
        }

        /** Sets the latest time, exclusive. */
        public Builder to(Instant to) {
            this.to = to;
            return this;
        }

        public Builder runId(String runId) {
            this.runId = runId;
            return this;
        }

        /** Returns only records after this sequence number. */
        public Builder afterSequence(long afterSequence) {
            this.afterSequence = afterSequence;
            return this;
        }

        public Builder limit(int limit) {
            this.limit = limit;
            return this;
        }

        public AuditQuery build() {
            return new AuditQuery(actor, action, from, to, runId, afterSequence, limit);
        }
    }
}
