package dev.agentforge.monitor.audit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Removes secrets and personal data from audit records before they are stored. It works two ways:
 *
 * <ul>
 *   <li>By field name: the value of a JSON member, an attribute, or a {@code name=value} or
 *       {@code name: value} pair in text whose name ends with a sensitive name, such as
 *       {@code password}, {@code apiKey} or {@code X-Auth-Token}. Names are compared in lower case
 *       without {@code _}, {@code -} and other separators, so {@code api_key}, {@code API-Key} and
 *       {@code apiKey} are the same name. Ending with a name counts, so {@code dbPassword} is
 *       sensitive, but {@code maxTokens} is not, because it ends in {@code tokens}.</li>
 *   <li>By pattern inside text: API keys such as {@code sk-...}, bearer tokens, JSON web tokens,
 *       e-mail addresses and card numbers that pass the Luhn check.</li>
 * </ul>
 *
 * <p>Patterns run before name pairs, so {@code Authorization: Bearer abc} loses the token to the
 * bearer pattern first. A card number pattern match that fails the Luhn check, such as most
 * 16-digit ids, is kept. NOTE: redaction by pattern finds only the forms it recognizes; a secret in
 * another form is stored as written.
 */
public final class Redactor {

    /** The text that replaces a value redacted by field name. */
    public static final String MASK = "[REDACTED]";

    /** The field names treated as sensitive by default, in their compared form. */
    public static final List<String> DEFAULT_FIELD_NAMES = List.of("password", "passwd", "pwd", "passphrase", "secret",
            "token", "apikey", "accesskey", "privatekey", "authorization", "auth", "credential", "credentials",
            "cookie", "sessionid", "ssn", "cardnumber", "creditcard", "cvv", "cvc");

    private static final Pattern CARD_CANDIDATE = Pattern.compile("(?<![\\w-])\\d(?:[ -]?\\d){12,18}(?![\\w-])");

    /**
     * A text pattern and its replacement, in {@link Matcher#replaceAll(String)} syntax.
     *
     * @param name the pattern's name, for configuration and docs
     */
    public record TextRule(String name, Pattern pattern, String replacement) {

        public TextRule {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(replacement, "replacement");
        }
    }

    /** The text patterns used by default, in the order they run. */
    public static final List<TextRule> DEFAULT_RULES = List.of(
            new TextRule("bearer-token", Pattern.compile("(?i)\\b(bearer)\\s+[A-Za-z0-9._~+/=-]{8,}"),
                    "$1 [REDACTED:token]"),
            new TextRule("basic-credentials", Pattern.compile("(?i)\\b(basic)\\s+[A-Za-z0-9+/]{8,}={0,2}"),
                    "$1 [REDACTED:credentials]"),
            new TextRule("json-web-token",
                    Pattern.compile("\\beyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]+"),
                    "[REDACTED:token]"),
            new TextRule("api-key", Pattern.compile("\\bsk-[A-Za-z0-9_-]{16,}"), "[REDACTED:api-key]"),
            new TextRule("aws-access-key", Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"), "[REDACTED:api-key]"),
            new TextRule("github-token", Pattern.compile("\\bgh[pousr]_[A-Za-z0-9]{30,}\\b"), "[REDACTED:token]"),
            new TextRule("email",
                    Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}"),
                    "[REDACTED:email]"));

    private final List<String> fieldNames;
    private final List<TextRule> rules;
    private final boolean cardNumbers;
    private final Pattern namedValue;

    private Redactor(List<String> fieldNames, List<TextRule> rules, boolean cardNumbers) {
        this.fieldNames = List.copyOf(fieldNames);
        this.rules = List.copyOf(rules);
        this.cardNumbers = cardNumbers;
        this.namedValue = fieldNames.isEmpty() ? null : namedValuePattern(fieldNames);
    }

    /** Returns a redactor with the default field names, the default patterns and the card number check. */
    public static Redactor defaults() {
        return builder().build();
    }

    /** Returns a redactor that changes nothing. */
    public static Redactor none() {
        return builder().fieldNames(List.of()).rules(List.of()).cardNumbers(false).build();
    }

    /** Returns a builder that starts from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the sensitive field names, in their compared form. */
    public List<String> fieldNames() {
        return fieldNames;
    }

    /** Returns whether a field of this name has its value redacted. */
    public boolean sensitiveName(String name) {
        if (name == null) {
            return false;
        }
        String normalized = normalize(name);
        for (String sensitive : fieldNames) {
            if (normalized.endsWith(sensitive)) {
                return true;
            }
        }
        return false;
    }

    /** Returns the text with every pattern match and every sensitive {@code name=value} pair redacted. */
    public String redactText(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (TextRule rule : rules) {
            result = rule.pattern().matcher(result).replaceAll(rule.replacement());
        }
        if (cardNumbers) {
            result = redactCardNumbers(result);
        }
        if (namedValue != null) {
            result = namedValue.matcher(result).replaceAll(match -> Matcher.quoteReplacement(
                    redactNamedValue(match)));
        }
        return result;
    }

    /**
     * Returns the JSON text with the values of sensitive members replaced by {@value #MASK} at every
     * depth and every string redacted as text. Text that is not valid JSON is redacted as text.
     */
    public String redactJson(String json) {
        if (json == null) {
            return null;
        }
        JsonNode node;
        try {
            node = AuditCodec.mapper().readTree(json);
        } catch (JacksonException e) {
            return redactText(json);
        }
        if (node == null || node.isMissingNode()) {
            return redactText(json);
        }
        return AuditCodec.mapper().writeValueAsString(redactNode(node));
    }

    /** Returns the attributes with the values of sensitive names masked and the others redacted as text. */
    public Map<String, String> redactAttributes(Map<String, String> attributes) {
        Map<String, String> result = new TreeMap<>();
        attributes.forEach((name, value) -> result.put(name,
                value == null ? null : sensitiveName(name) ? MASK : redactText(value)));
        return result;
    }

    private JsonNode redactNode(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode copy = object.objectNode();
            for (Map.Entry<String, JsonNode> entry : object.properties()) {
                copy.set(entry.getKey(), sensitiveName(entry.getKey()) && !entry.getValue().isNull()
                        ? StringNode.valueOf(MASK)
                        : redactNode(entry.getValue()));
            }
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = array.arrayNode();
            for (JsonNode element : array) {
                copy.add(redactNode(element));
            }
            return copy;
        }
        if (node.isString()) {
            return StringNode.valueOf(redactText(node.stringValue()));
        }
        return node;
    }

    // Keeps a quoted value quoted, so JSON stays valid, and leaves a value that is already masked.
    private String redactNamedValue(MatchResult match) {
        String value = match.group(4);
        if (!sensitiveName(match.group(2)) || value.contains("[REDACTED")) {
            return match.group();
        }
        String masked = value.startsWith("\"") ? "\"" + MASK + "\"" : value.startsWith("'") ? "'" + MASK + "'" : MASK;
        return match.group(1) + match.group(2) + match.group(1) + match.group(3) + masked;
    }

    private static String redactCardNumbers(String text) {
        Matcher matcher = CARD_CANDIDATE.matcher(text);
        return matcher.replaceAll(match -> {
            String digits = match.group().replaceAll("[ -]", "");
            return digits.length() >= 13 && luhnValid(digits) ? "[REDACTED:card]"
                    : Matcher.quoteReplacement(match.group());
        });
    }

    /** Returns whether a string of digits passes the Luhn check that card numbers carry. */
    static boolean luhnValid(String digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int digit = digits.charAt(i) - '0';
            if (doubled) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    // Group 1 is an optional quote around the name, group 2 the name, and group 3 the separator.
    // Group 4, the value, is a quoted string or a run of characters up to a space or delimiter.
    private static Pattern namedValuePattern(List<String> names) {
        String alternatives = names.stream()
                .map(name -> name.chars().mapToObj(c -> Pattern.quote(Character.toString(c)))
                        .collect(Collectors.joining("[_\\-. ]?")))
                .collect(Collectors.joining("|"));
        return Pattern.compile("(?i)([\"']?)([A-Za-z0-9_.-]*(?:" + alternatives + "))\\1(\\s*[=:]\\s*)"
                + "(\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|[^\\s,;&\"'}\\]]+)");
    }

    /** Configures a {@link Redactor}. */
    public static final class Builder {
        private final Set<String> fieldNames = new LinkedHashSet<>(DEFAULT_FIELD_NAMES);
        private final List<TextRule> rules = new ArrayList<>(DEFAULT_RULES);
        private boolean cardNumbers = true;

        private Builder() {
        }

        /** Replaces the sensitive field names; each is compared in lower case without separators. */
        public Builder fieldNames(List<String> names) {
            fieldNames.clear();
            names.forEach(this::addFieldName);
            return this;
        }

        /** Adds a sensitive field name, such as {@code iban}. */
        public Builder addFieldName(String name) {
            String normalized = normalize(name);
            if (normalized.isEmpty()) {
                throw new IllegalArgumentException("Invalid sensitive field name '" + name
                        + "': it has no letters or digits");
            }
            fieldNames.add(normalized);
            return this;
        }

        /** Replaces the text patterns. */
        public Builder rules(List<TextRule> newRules) {
            rules.clear();
            rules.addAll(newRules);
            return this;
        }

        /** Adds a text pattern that runs after the others. */
        public Builder addRule(String name, String regex, String replacement) {
            rules.add(new TextRule(name, Pattern.compile(regex), replacement));
            return this;
        }

        /** Sets whether digit runs of 13 to 19 digits that pass the Luhn check are redacted; on by default. */
        public Builder cardNumbers(boolean cardNumbers) {
            this.cardNumbers = cardNumbers;
            return this;
        }

        public Redactor build() {
            return new Redactor(new ArrayList<>(fieldNames), rules, cardNumbers);
        }
    }
}
