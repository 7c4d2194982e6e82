package dev.agentforge.server.interop;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.tool.Tool;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * An agent for interop tests, driven by a scripted model: {@code calculate <a> <op> <b>} thinks,
 * calls the {@code calculator} tool and answers with its result; an input containing {@code gated}
 * calls the {@code gate} tool, which waits until {@link #openGate()}, and then answers with several
 * words, so a test can cut a connection while the run waits and see the rest arrive afterwards.
 */
public final class InteropAgents {

    /** The answer of a gated run once the gate opens. */
    public static final String GATED_ANSWER = "The gate opened and the run went on to stream this answer word by word.";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern EXPRESSION =
            Pattern.compile("\\s*(-?\\d+(?:\\.\\d+)?)\\s*([-+*/])\\s*(-?\\d+(?:\\.\\d+)?)\\s*");

    /** Counts down when the {@code gate} tool starts waiting. */
    public final CountDownLatch gateReached = new CountDownLatch(1);

    private final CountDownLatch gate = new CountDownLatch(1);

    /** Lets every waiting and future {@code gate} call return. */
    public void openGate() {
        gate.countDown();
    }

    public Agent agent() {
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("calculate", "calculate (.+)", turn -> turn.step() == 0
                        ? ScriptStep.callTool("calculator", JSON.writeValueAsString(Map.of("expression", turn.group(1))))
                                .withThought("The user wants arithmetic, so I use the calculator.")
                        : ScriptStep.answer("The result is " + turn.lastResult().text() + "."))
                .rule("gated", "gated", turn -> turn.step() == 0
                        ? ScriptStep.callTool("gate", "{}")
                        : ScriptStep.answer(GATED_ANSWER))
                .fallback(turn -> ScriptStep.answer("Hello from the interop agent."))
                .build();
        return Agent.builder()
                .model(model)
                .modelName("scripted")
                .tools(calculator(), gateTool())
                .build();
    }

    private static Tool calculator() {
        return Tool.builder("calculator")
                .description("Computes <number> <+ - * /> <number>.")
                .parameters("""
                        {"type": "object", "properties": {"expression": {"type": "string"}}, "required": ["expression"]}
                        """)
                .handler((arguments, context) -> calculate(arguments.get("expression").asString()))
                .build();
    }

    static String calculate(String expression) {
        Matcher matcher = EXPRESSION.matcher(expression);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Expected '<number> <+ - * /> <number>', got '" + expression + "'");
        }
        BigDecimal left = new BigDecimal(matcher.group(1));
        BigDecimal right = new BigDecimal(matcher.group(3));
        BigDecimal result = switch (matcher.group(2)) {
            case "+" -> left.add(right);
            case "-" -> left.subtract(right);
            case "*" -> left.multiply(right);
            default -> left.divide(right, MathContext.DECIMAL64);
        };
        return result.stripTrailingZeros().toPlainString();
    }

    private Tool gateTool() {
        return Tool.builder("gate")
                .description("Waits until the test opens the gate.")
                .handler((arguments, context) -> {
                    gateReached.countDown();
                    if (!gate.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("The test did not open the gate within 60 s");
                    }
                    return "opened";
                })
                .build();
    }
}
