package dev.agentforge.monitor.alert;

import dev.agentforge.resilience.BreakerState;
import dev.agentforge.resilience.BreakerStateChange;
import dev.agentforge.resilience.CircuitBreakers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fires for each circuit breaker that rejects calls (open or forced open), with the label
 * {@code breaker} set to the breaker's name, such as {@code model:gpt-4o}. It listens to
 * {@link CircuitBreakers#addListener} and latches: a breaker that opened and left the open state between
 * two evaluations still fires at the next one, and resolves at the one after.
 */
public final class BreakerOpenRule implements AlertRule {

    /** The label that holds the breaker's name. */
    public static final String BREAKER_LABEL = "breaker";

    private final String name;
    private final Severity severity;
    private final Map<String, BreakerStateChange> latest = new ConcurrentHashMap<>();
    private final Set<String> openedSinceEvaluation = ConcurrentHashMap.newKeySet();

    private BreakerOpenRule(String name, Severity severity) {
        this.name = Objects.requireNonNull(name, "name");
        this.severity = Objects.requireNonNull(severity, "severity");
    }

    /** Creates the rule and subscribes it to every breaker of {@code breakers}, present and future. */
    public static BreakerOpenRule watching(CircuitBreakers breakers, String name, Severity severity) {
        BreakerOpenRule rule = new BreakerOpenRule(name, severity);
        breakers.addListener(rule::onStateChange);
        return rule;
    }

    /** Records one breaker transition; {@link #watching} wires this to the registry. */
    public void onStateChange(BreakerStateChange change) {
        latest.put(change.name(), change);
        if (change.to().rejectsCalls()) {
            openedSinceEvaluation.add(change.name());
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Severity severity() {
        return severity;
    }

    @Override
    public List<AlertCondition> evaluate(Instant now) {
        Set<String> open = new HashSet<>();
        for (String breaker : List.copyOf(openedSinceEvaluation)) {
            openedSinceEvaluation.remove(breaker);
            open.add(breaker);
        }
        latest.forEach((breaker, change) -> {
            if (change.to().rejectsCalls()) {
                open.add(breaker);
            }
        });
        List<AlertCondition> conditions = new ArrayList<>();
        for (String breaker : open.stream().sorted().toList()) {
            BreakerStateChange change = latest.get(breaker);
            BreakerState state = change.to();
            String summary = state.rejectsCalls()
                    ? "Circuit breaker " + breaker + " is " + state + " since " + change.time() + ": " + change.reason()
                    : "Circuit breaker " + breaker + " opened and is now " + state + ": " + change.reason();
            conditions.add(AlertCondition.of(Map.of(BREAKER_LABEL, breaker), summary));
        }
        return conditions;
    }
}
