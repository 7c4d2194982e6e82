package dev.agentforge.monitor.alert;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Mutes the alerts that match all of its matchers from {@code startsAt} until {@code endsAt}. A muted
 * alert is still evaluated and still inhibits lower severities, but no notice reports it. When the
 * silence expires, an alert that still fires is notified at its group's next flush.
 *
 * @param id the id the manager returns when the silence is added
 * @param matchers the tests an alert must all pass; at least one
 * @param startsAt when the silence starts
 * @param endsAt when it expires, after {@code startsAt}
 * @param createdBy who added it
 * @param comment why
 */
public record Silence(String id, List<LabelMatcher> matchers, Instant startsAt, Instant endsAt, String createdBy,
        String comment) {

    public Silence {
        Objects.requireNonNull(id, "id");
        matchers = List.copyOf(matchers);
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("A silence needs at least one matcher, or it would mute every alert");
        }
        Objects.requireNonNull(startsAt, "startsAt");
        Objects.requireNonNull(endsAt, "endsAt");
        if (!endsAt.isAfter(startsAt)) {
            throw new IllegalArgumentException("Silence " + id + " ends at " + endsAt + ", not after its start " + startsAt);
        }
    }

    /** Whether the silence is in force at {@code now}. */
    public boolean activeAt(Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt);
    }

    /** Whether the silence mutes an alert with these labels at {@code now}. */
    public boolean mutes(Map<String, String> labels, Instant now) {
        return activeAt(now) && matchers.stream().allMatch(matcher -> matcher.matches(labels));
    }
}
