package dev.agentforge.tool.testing;

import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.tool.internal.Json;
import java.util.List;
import java.util.Map;

/**
 * Helpers that script the tool calls of a {@code ScriptedChatModel}, for agent tests that must be
 * deterministic to the event.
 *
 * <pre>{@code
 * ScriptedChatModel model = ScriptedChatModel.builder()
 *         .rule("weather", "weather", ScriptedToolCalls.inOrder(
 *                 ScriptStep.callTools(call("weather", Map.of("city", "Paris")), call("weather", Map.of("city", "Rome"))),
 *                 ScriptStep.answer("Both cities are warm")))
 *         .build();
 * }</pre>
 */
public final class ScriptedToolCalls {

    private ScriptedToolCalls() {
    }

    /** A call of {@code tool} with arguments given as JSON text. */
    public static ScriptStep.Call call(String tool, String argumentsJson) {
        return new ScriptStep.Call(tool, argumentsJson);
    }

    /** A call of {@code tool} with arguments serialised to JSON by Jackson. */
    public static ScriptStep.Call call(String tool, Map<String, ?> arguments) {
        return new ScriptStep.Call(tool, Json.MAPPER.writeValueAsString(arguments));
    }

    /**
     * Returns a script that takes the steps in order, one per model turn. It keeps no state: it picks the
     * step from the number of tool results in the turn so far, so the same script serves every run.
     *
     * @throws IllegalStateException from the script, if the model is asked again after the last step
     */
    public static ScriptedChatModel.Script inOrder(ScriptStep... steps) {
        List<ScriptStep> script = List.of(steps);
        return turn -> {
            int results = 0;
            for (ScriptStep step : script) {
                if (results == turn.results().size()) {
                    return step;
                }
                results += step.toolCalls().size();
            }
            throw new IllegalStateException("The script has no step after " + turn.results().size()
                    + " tool results; end it with ScriptStep.answer(...)");
        };
    }
}
