package dev.agentforge.agent;

import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;

/**
 * The input of a {@link ScriptedChatModel} script: the user's input, the match of its rule's pattern,
 * and the results of the tools called so far in this turn, in call order.
 *
 * @param input the text of the last user message
 * @param results the tool results after that message, in call order
 * @param rule the name of the rule that matched, or null for the fallback
 * @param match the match of the rule's pattern in the input, or null for the fallback
 */
public record ScriptTurn(String input, List<Result> results, String rule, MatchResult match) {

    /**
     * One tool result of the turn.
     *
     * @param tool the tool that was called
     * @param arguments the arguments it was called with, as JSON text
     * @param text the result as the model reads it; failed calls start with {@code Error:}
     */
    public record Result(String tool, String arguments, String text) {

        /** Whether the call failed. */
        public boolean failed() {
            return text != null && text.startsWith("Error:");
        }
    }

    ScriptTurn withMatch(String ruleName, Matcher matcher) {
        return new ScriptTurn(input, results, ruleName, matcher.toMatchResult());
    }

    /** Returns the group of the rule's match, or null if it did not take part. */
    public String group(int group) {
        return match == null ? null : match.group(group);
    }

    /** Returns the named group of the rule's match, or null if it did not take part. */
    public String group(String name) {
        return match == null ? null : match.group(name);
    }

    /** The number of tool results in this turn so far. */
    public int step() {
        return results.size();
    }

    /** The last tool result of this turn; throws if no tool has been called yet. */
    public Result lastResult() {
        if (results.isEmpty()) {
            throw new IllegalStateException("No tool has been called yet in this turn");
        }
        return results.getLast();
    }
}
