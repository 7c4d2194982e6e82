package dev.agentforge.agent;

import java.util.List;
import java.util.Objects;

/**
 * The next step of a {@link ScriptedChatModel} script: call tools, or answer.
 *
 * @param toolCalls the tools to call, in order; empty when answering
 * @param answer the final answer, or null when calling tools
 * @param thought reasoning to stream before the step, or null
 */
public record ScriptStep(List<Call> toolCalls, String answer, String thought) {

    /**
     * One tool call.
     *
     * @param tool the tool name
     * @param arguments the arguments as JSON text
     */
    public record Call(String tool, String arguments) {
        public Call {
            Objects.requireNonNull(tool, "tool");
            Objects.requireNonNull(arguments, "arguments");
        }
    }

    public ScriptStep {
        toolCalls = List.copyOf(toolCalls);
        if (toolCalls.isEmpty() == (answer == null)) {
            throw new IllegalArgumentException("A script step either calls tools or answers, not both or neither");
        }
    }

    /** Answers with the given text. */
    public static ScriptStep answer(String text) {
        return new ScriptStep(List.of(), Objects.requireNonNull(text, "text"), null);
    }

    /** Calls one tool with arguments given as JSON text. */
    public static ScriptStep callTool(String tool, String argumentsJson) {
        return new ScriptStep(List.of(new Call(tool, argumentsJson)), null, null);
    }

    /** Calls several tools in one turn, to be run concurrently. */
    public static ScriptStep callTools(Call... calls) {
        return new ScriptStep(List.of(calls), null, null);
    }

    /** Returns this step with reasoning to stream before it. */
    public ScriptStep withThought(String text) {
        return new ScriptStep(toolCalls, answer, text);
    }
}
