package dev.agentforge.monitor.alert;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A test on one label of an alert, as in Prometheus Alertmanager silences. Besides the alert's own
 * labels, {@code alertname} is the rule name and {@code severity} the lower-case severity. A label the
 * alert lacks counts as the empty string.
 *
 * @param name the label name
 * @param operator how the value is compared
 * @param value the value, or a regular expression that must match the whole label value
 */
public record LabelMatcher(String name, Operator operator, String value) {

    /** How a matcher compares. */
    public enum Operator {
        EQUAL,
        NOT_EQUAL,
        REGEX,
        NOT_REGEX
    }

    public LabelMatcher {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(value, "value");
        if (operator == Operator.REGEX || operator == Operator.NOT_REGEX) {
            Pattern.compile(value);
        }
    }

    /** Matches when the label equals {@code value}. */
    public static LabelMatcher equal(String name, String value) {
        return new LabelMatcher(name, Operator.EQUAL, value);
    }

    /** Matches when the whole label value matches the regular expression. */
    public static LabelMatcher regex(String name, String regex) {
        return new LabelMatcher(name, Operator.REGEX, regex);
    }

    /** Tests the matcher against an alert's labels, with {@code alertname} and {@code severity} included. */
    public boolean matches(Map<String, String> labels) {
        String actual = labels.getOrDefault(name, "");
        return switch (operator) {
            case EQUAL -> actual.equals(value);
            case NOT_EQUAL -> !actual.equals(value);
            case REGEX -> Pattern.matches(value, actual);
            case NOT_REGEX -> !Pattern.matches(value, actual);
        };
    }
}
