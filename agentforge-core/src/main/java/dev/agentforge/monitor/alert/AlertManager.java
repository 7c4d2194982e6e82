package dev.agentforge.monitor.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates alert rules and sends notices to channels, with grouping, de-duplication, silences,
 * inhibition, resolve notices and flapping detection.
 *
 * <p>Nothing runs by itself: a scheduler calls {@link #evaluate(Instant)} (or {@link #start}), and every
 * window is measured on the time passed in, so tests drive the manager with a manual clock and never
 * sleep. Each evaluation:
 * <ol>
 * <li>retries deliveries that failed earlier and are due;</li>
 * <li>evaluates each rule, fires a condition once it has held for the rule's {@code holdFor}, and
 *     resolves a firing alert whose condition the rule no longer returns;</li>
 * <li>marks an alert as flapping when it changed between firing and resolved
 *     {@link AlertSettings#flapThreshold()} times within {@link AlertSettings#flapWindow()}, reports that
 *     once, and reports nothing more about it until fewer than half as many changes remain in the window;</li>
 * <li>groups alerts by rule and group labels and sends at most one notice per group: the first after
 *     {@link AlertSettings#groupWait()}, a changed one no sooner than {@link AlertSettings#groupInterval()}
 *     after the previous, and an unchanged firing one again only after
 *     {@link AlertSettings#repeatInterval()}.</li>
 * </ol>
 * A silenced alert, or one inhibited by a firing alert of higher severity with equal labels, is left out
 * of notices. Thread-safe; evaluations run one at a time.
 */
public final class AlertManager {

    private static final Logger LOG = LoggerFactory.getLogger(AlertManager.class);

    /** The pseudo-label that contains the rule name, for silences. */
    public static final String ALERTNAME = "alertname";

    /** The pseudo-label that contains the severity, for silences. */
    public static final String SEVERITY = "severity";

    private record Route(AlertChannel channel, Severity minimum) {
    }

    private record Retry(Route route, Notice notice, int attempt, Instant due) {
    }

    private record Entry(AlertState alert, AlertStatus status) {
    }

    private final Clock clock;
    private final AlertSettings settings;
    private final List<AlertRule> rules;
    private final List<Route> routes;
    private final List<String> groupBy;
    private final Map<String, AlertState> alerts = new LinkedHashMap<>();
    private final Map<String, GroupState> groups = new LinkedHashMap<>();
    private final Map<String, Silence> silences = new LinkedHashMap<>();
    private final Map<String, Integer> ruleFailures = new HashMap<>();
    private final Deque<Retry> retries = new ArrayDeque<>();

    private AlertManager(Builder builder) {
        this.clock = builder.clock;
        this.settings = builder.settings;
        this.rules = List.copyOf(builder.rules);
        this.routes = List.copyOf(builder.routes);
        this.groupBy = builder.groupBy == null ? null : List.copyOf(builder.groupBy);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The settings in force. */
    public AlertSettings settings() {
        return settings;
    }

    /** Evaluates at the manager clock's current time. */
    public void evaluate() {
        evaluate(clock.instant());
    }

    /** Runs one evaluation at {@code now}: retries, rules, flapping, then notices. */
    public synchronized void evaluate(Instant now) {
        Objects.requireNonNull(now, "now");
        silences.values().removeIf(silence -> !silence.endsAt().isAfter(now));
        runRetries(now);
        for (AlertRule rule : rules) {
            evaluateRule(rule, now);
        }
        for (AlertState alert : alerts.values()) {
            updateFlapping(alert, now);
        }
        for (AlertState alert : alerts.values()) {
            groups.computeIfAbsent(groupKey(alert), key -> new GroupState(key, alert.rule.name(), groupLabels(alert)))
                    .members.add(alert.key);
        }
        for (GroupState group : groups.values()) {
            flush(group, now);
        }
        alerts.values().removeIf(AlertState::idle);
        for (Iterator<GroupState> it = groups.values().iterator(); it.hasNext(); ) {
            GroupState group = it.next();
            group.members.removeIf(key -> !alerts.containsKey(key));
            if (group.members.isEmpty()) {
                it.remove();
            }
        }
    }

    /**
     * Calls {@link #evaluate()} every {@code interval} on the executor until the returned future is
     * cancelled. An exception from one evaluation is logged and the next one still runs.
     */
    public ScheduledFuture<?> start(ScheduledExecutorService executor, Duration interval) {
        long millis = interval.toMillis();
        if (millis <= 0) {
            throw new IllegalArgumentException("Invalid evaluation interval " + interval + ": it must be positive");
        }
        return executor.scheduleAtFixedRate(() -> {
            try {
                evaluate();
            } catch (RuntimeException e) {
                LOG.error("Alert evaluation failed", e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Adds a silence and returns it with its id.
     *
     * @throws IllegalArgumentException if there is no matcher or {@code endsAt} is not after {@code startsAt}
     */
    public synchronized Silence addSilence(List<LabelMatcher> matchers, Instant startsAt, Instant endsAt,
            String createdBy, String comment) {
        Silence silence = new Silence(UUID.randomUUID().toString(), matchers, startsAt, endsAt, createdBy, comment);
        silences.put(silence.id(), silence);
        LOG.info("Silence {} added by {} until {}: {}", silence.id(), createdBy, endsAt, comment);
        return silence;
    }

    /** Removes a silence at once; returns false if no silence has that id. */
    public synchronized boolean expireSilence(String id) {
        return silences.remove(id) != null;
    }

    /** Returns the silences that have not expired, including those not yet started. */
    public synchronized List<Silence> silences() {
        return List.copyOf(silences.values());
    }

    /** Returns the alerts that fire or flap now, as the last evaluation left them. */
    public synchronized List<Alert> activeAlerts() {
        return alerts.values().stream()
                .filter(alert -> alert.firing || alert.flapping)
                .map(alert -> alert.toAlert(alert.flapping ? AlertStatus.FLAPPING : AlertStatus.FIRING))
                .toList();
    }

    private void evaluateRule(AlertRule rule, Instant now) {
        List<AlertCondition> conditions;
        try {
            conditions = rule.evaluate(now);
        } catch (RuntimeException e) {
            int failures = ruleFailures.merge(rule.name(), 1, Integer::sum);
            // The first failure and every hundredth after it, so a broken rule cannot flood the log.
            if (failures == 1 || failures % 100 == 0) {
                LOG.warn("Alert rule {} failed to evaluate ({} failures in a row); its alerts keep their state: {}",
                        rule.name(), failures, e.toString());
            }
            return;
        }
        ruleFailures.remove(rule.name());
        Set<String> seen = new HashSet<>();
        for (AlertCondition condition : conditions) {
            Severity severity = condition.severity() != null ? condition.severity() : rule.severity();
            String key = alertKey(rule.name(), severity, condition.labels());
            AlertState alert = alerts.computeIfAbsent(key,
                    k -> new AlertState(k, rule, severity, new TreeMap<>(condition.labels())));
            alert.summary = condition.summary();
            seen.add(key);
            if (!alert.firing) {
                if (alert.pendingSince == null) {
                    alert.pendingSince = now;
                }
                if (!now.isBefore(alert.pendingSince.plus(rule.holdFor()))) {
                    alert.fire(now);
                    LOG.info("Alert {} firing: {}", key, alert.summary);
                }
            }
        }
        for (AlertState alert : alerts.values()) {
            if (alert.rule != rule || seen.contains(alert.key)) {
                continue;
            }
            alert.pendingSince = null;
            if (alert.firing) {
                alert.resolve(now);
                LOG.info("Alert {} resolved", alert.key);
            }
        }
    }

    private void updateFlapping(AlertState alert, Instant now) {
        Instant horizon = now.minus(settings.flapWindow());
        while (!alert.transitions.isEmpty() && alert.transitions.peekFirst().isBefore(horizon)) {
            alert.transitions.removeFirst();
        }
        int changes = alert.transitions.size();
        if (!alert.flapping && changes >= settings.flapThreshold()) {
            alert.flapping = true;
            alert.flapNotified = false;
            LOG.info("Alert {} is flapping: {} changes within {}; notices pause until it settles", alert.key, changes,
                    settings.flapWindow());
        } else if (alert.flapping && changes * 2 < settings.flapThreshold()) {
            alert.flapping = false;
            // Report the settled state: a firing alert as firing, a resolved one as resolved.
            alert.notified = !alert.firing;
            alert.occurrences = alert.firing ? 1 : 0;
            LOG.info("Alert {} settled {}", alert.key, alert.firing ? "firing" : "resolved");
        }
    }

    private void flush(GroupState group, Instant now) {
        List<Entry> entries = new ArrayList<>();
        for (String key : group.members) {
            AlertState alert = alerts.get(key);
            if (alert == null) {
                continue;
            }
            boolean muted = silenced(alert, now);
            if (alert.flapping) {
                if (!alert.flapNotified && !muted) {
                    entries.add(new Entry(alert, AlertStatus.FLAPPING));
                }
            } else if (alert.firing) {
                if (!muted && !inhibited(alert)) {
                    entries.add(new Entry(alert, AlertStatus.FIRING));
                }
            } else if (alert.notified && !muted) {
                entries.add(new Entry(alert, AlertStatus.RESOLVED));
            }
        }
        if (entries.isEmpty()) {
            if (group.lastSentAt == null) {
                group.firstActivityAt = null;
            }
            return;
        }
        entries.sort(Comparator.comparing((Entry entry) -> entry.status().ordinal())
                .thenComparing(entry -> entry.alert().key));
        String signature = entries.stream()
                .map(entry -> entry.alert().key + "|" + entry.status() + "|" + entry.alert().startsAt)
                .collect(Collectors.joining(";"));
        boolean hasFiring = entries.stream().anyMatch(entry -> entry.status() == AlertStatus.FIRING);
        if (!due(group, signature, hasFiring, now)) {
            return;
        }
        Notice notice = notice(group, entries, now);
        group.lastSentAt = now;
        group.lastSignature = signature;
        for (Entry entry : entries) {
            AlertState alert = entry.alert();
            alert.occurrences = 0;
            switch (entry.status()) {
                case FIRING -> alert.notified = true;
                case RESOLVED -> alert.notified = false;
                case FLAPPING -> {
                    alert.flapNotified = true;
                    alert.notified = false;
                }
            }
        }
        deliver(notice, now);
    }

    private boolean due(GroupState group, String signature, boolean hasFiring, Instant now) {
        if (group.lastSentAt == null) {
            if (group.firstActivityAt == null) {
                group.firstActivityAt = now;
            }
            return !now.isBefore(group.firstActivityAt.plus(settings.groupWait()));
        }
        if (!signature.equals(group.lastSignature)) {
            return !now.isBefore(group.lastSentAt.plus(settings.groupInterval()));
        }
        return hasFiring && !now.isBefore(group.lastSentAt.plus(settings.repeatInterval()));
    }

    private Notice notice(GroupState group, List<Entry> entries, Instant now) {
        List<Alert> reported = entries.stream().map(entry -> entry.alert().toAlert(entry.status())).toList();
        AlertStatus status = entries.stream().anyMatch(entry -> entry.status() == AlertStatus.FIRING)
                ? AlertStatus.FIRING
                : entries.stream().anyMatch(entry -> entry.status() == AlertStatus.FLAPPING)
                        ? AlertStatus.FLAPPING
                        : AlertStatus.RESOLVED;
        Severity severity = reported.stream().map(Alert::severity).max(Comparator.naturalOrder()).orElseThrow();
        group.sequence++;
        return new Notice(group.key + "#" + group.sequence, group.key, group.rule, status, severity, group.labels,
                reported, now);
    }

    private void deliver(Notice notice, Instant now) {
        for (Route route : routes) {
            if (notice.severity().atLeast(route.minimum())) {
                attempt(new Retry(route, notice, 1, now), now);
            }
        }
    }

    private void runRetries(Instant now) {
        int pending = retries.size();
        for (int i = 0; i < pending; i++) {
            Retry retry = retries.pollFirst();
            if (retry.due().isAfter(now)) {
                retries.addLast(retry);
            } else {
                attempt(retry, now);
            }
        }
    }

    private void attempt(Retry delivery, Instant now) {
        AlertChannel channel = delivery.route().channel();
        try {
            channel.send(delivery.notice());
            LOG.debug("Notice {} sent to {}", delivery.notice().id(), channel.name());
        } catch (AlertDeliveryException | RuntimeException e) {
            String reason = e instanceof AlertDeliveryException ? e.getMessage() : e.getClass().getName();
            if (delivery.attempt() < settings.deliveryAttempts()) {
                Duration backoff = settings.retryBackoff().multipliedBy(1L << Math.min(20, delivery.attempt() - 1));
                retries.addLast(new Retry(delivery.route(), delivery.notice(), delivery.attempt() + 1, now.plus(backoff)));
                LOG.warn("Alert channel {} ({}) failed to deliver notice {} on attempt {} of {}: {}; retrying after {}",
                        channel.name(), channel.describe(), delivery.notice().id(), delivery.attempt(),
                        settings.deliveryAttempts(), reason, backoff);
            } else {
                LOG.error("Alert channel {} ({}) failed to deliver notice {} after {} attempts, dropping it: {}",
                        channel.name(), channel.describe(), delivery.notice().id(), delivery.attempt(), reason);
            }
        }
    }

    private boolean silenced(AlertState alert, Instant now) {
        for (Silence silence : silences.values()) {
            if (silence.mutes(alert.matchLabels, now)) {
                return true;
            }
        }
        return false;
    }

    private boolean inhibited(AlertState alert) {
        for (AlertState other : alerts.values()) {
            if (other.firing && other.severity.compareTo(alert.severity) > 0 && other.labels.equals(alert.labels)) {
                return true;
            }
        }
        return false;
    }

    private String groupKey(AlertState alert) {
        return alert.rule.name() + format(groupLabels(alert));
    }

    private SortedMap<String, String> groupLabels(AlertState alert) {
        if (groupBy == null) {
            return alert.labels;
        }
        SortedMap<String, String> selected = new TreeMap<>();
        for (String name : groupBy) {
            String value = alert.labels.get(name);
            if (value != null) {
                selected.put(name, value);
            }
        }
        return selected;
    }

    private static String alertKey(String rule, Severity severity, Map<String, String> labels) {
        return rule + "/" + severity.label() + format(new TreeMap<>(labels));
    }

    private static String format(SortedMap<String, String> labels) {
        return labels.entrySet().stream()
                .map(entry -> entry.getKey() + "=\"" + entry.getValue() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }

    /** The state of one alert across evaluations. Accessed only under the manager's lock. */
    private static final class AlertState {
        final String key;
        final AlertRule rule;
        final Severity severity;
        final SortedMap<String, String> labels;
        final Map<String, String> matchLabels;
        final Deque<Instant> transitions = new ArrayDeque<>();
        String summary;
        Instant pendingSince;
        boolean firing;
        Instant startsAt;
        Instant endsAt;
        int occurrences;
        boolean notified;
        boolean flapping;
        boolean flapNotified;

        AlertState(String key, AlertRule rule, Severity severity, SortedMap<String, String> labels) {
            this.key = key;
            this.rule = rule;
            this.severity = severity;
            this.labels = java.util.Collections.unmodifiableSortedMap(labels);
            Map<String, String> match = new HashMap<>(labels);
            match.put(ALERTNAME, rule.name());
            match.put(SEVERITY, severity.label());
            this.matchLabels = Map.copyOf(match);
        }

        void fire(Instant now) {
            firing = true;
            startsAt = now;
            endsAt = null;
            pendingSince = null;
            occurrences++;
            transitions.addLast(now);
        }

        void resolve(Instant now) {
            firing = false;
            endsAt = now;
            transitions.addLast(now);
        }

        /** Whether nothing is left to report or remember, so the state can go. */
        boolean idle() {
            return !firing && pendingSince == null && !notified && !flapping && transitions.isEmpty();
        }

        Alert toAlert(AlertStatus status) {
            return new Alert(rule.name(), severity, labels, status, summary, startsAt,
                    status == AlertStatus.RESOLVED ? endsAt : null, occurrences);
        }
    }

    /** The notice state of one group. Accessed only under the manager's lock. */
    private static final class GroupState {
        final String key;
        final String rule;
        final SortedMap<String, String> labels;
        final Set<String> members = new java.util.LinkedHashSet<>();
        Instant firstActivityAt;
        Instant lastSentAt;
        String lastSignature;
        long sequence;

        GroupState(String key, String rule, SortedMap<String, String> labels) {
            this.key = key;
            this.rule = rule;
            this.labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        }
    }

    /** Builds an {@link AlertManager}. Rules and at least one channel are required. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private AlertSettings settings = AlertSettings.DEFAULTS;
        private final List<AlertRule> rules = new ArrayList<>();
        private final List<Route> routes = new ArrayList<>();
        private List<String> groupBy;

        private Builder() {
        }

        /** Sets the clock for {@link AlertManager#evaluate()} without an argument and for {@link #start}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Sets the timing; see {@link AlertSettings} for the limits it checks. */
        public Builder settings(AlertSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Adds a rule; names must be unique. */
        public Builder rule(AlertRule rule) {
            Objects.requireNonNull(rule, "rule");
            if (rules.stream().anyMatch(existing -> existing.name().equals(rule.name()))) {
                throw new IllegalArgumentException("Duplicate alert rule name " + rule.name() + ": rule names must be unique");
            }
            rules.add(rule);
            return this;
        }

        /** Sends every notice to the channel. */
        public Builder channel(AlertChannel channel) {
            return channel(channel, Severity.INFO);
        }

        /** Sends notices of at least {@code minimum} severity to the channel. */
        public Builder channel(AlertChannel channel, Severity minimum) {
            routes.add(new Route(Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(minimum, "minimum")));
            return this;
        }

        /**
         * Groups each rule's alerts by these labels only, so alerts that differ in other labels share one
         * notice. By default alerts are grouped by all of their labels.
         */
        public Builder groupBy(String... labelNames) {
            this.groupBy = List.of(labelNames);
            return this;
        }

        public AlertManager build() {
            if (routes.isEmpty()) {
                throw new IllegalStateException("No alert channel set: call channel(...) with a LogChannel, a webhook,"
                        + " Slack or email channel");
            }
            return new AlertManager(this);
        }
    }
}
