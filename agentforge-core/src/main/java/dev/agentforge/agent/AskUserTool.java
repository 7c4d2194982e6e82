package dev.agentforge.agent;

import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import java.time.Duration;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The built-in {@code ask_user} tool: the model asks the user a question and the run waits for the
 * answer. Register it on an agent that may ask, with {@code Agent.builder().tools(AskUserTool.create())}.
 *
 * <p>The agent's loop runs this tool itself, on the run's thread, instead of through the tool executor:
 * it logs a {@code waiting_input} event with the question, waits until {@link AgentRun#provideInput}
 * delivers the answer, and returns the answer to the model as the call's result. A transport calls
 * {@code provideInput}, such as the server's {@code POST /v1/runs/{id}/input} route. Cancelling the run
 * ends the wait at once. When no answer arrives within the timeout, the call fails with an error that
 * tells the model the user did not answer, and the run goes on.
 */
public final class AskUserTool implements Tool {

    /** The tool's name, as the model calls it. */
    public static final String NAME = "ask_user";

    /** How long a run waits for an answer when no timeout is set. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    private static final JsonNode SCHEMA = JsonMapper.builder().build().readTree("""
            {"type": "object",
             "properties": {"question": {"type": "string", "minLength": 1,
                                         "description": "The question for the user, in one or two sentences"}},
             "required": ["question"]}
            """);

    private final Duration timeout;

    private AskUserTool(Duration timeout) {
        this.timeout = timeout;
    }

    /** Creates the tool with a wait timeout of {@link #DEFAULT_TIMEOUT}. */
    public static AskUserTool create() {
        return new AskUserTool(DEFAULT_TIMEOUT);
    }

    /** Creates the tool with another wait timeout, which must be positive. */
    public static AskUserTool withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("Invalid ask_user timeout " + timeout + ": use a positive duration");
        }
        return new AskUserTool(timeout);
    }

    /** How long a run waits for the user's answer before the call fails. */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Asks the user a question and waits for the answer, which this tool returns. Use it when the"
                + " request is ambiguous or a decision needs the user's confirmation; ask one question at a time.";
    }

    @Override
    public JsonNode parameters() {
        return SCHEMA;
    }

    /**
     * Fails: only an agent's loop can run this tool, because the wait needs the run.
     *
     * @throws ToolException always, with a message for the model
     */
    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws ToolException {
        throw new ToolException("The ask_user tool can only run inside an agent run, which waits for the"
                + " user's answer; continue without asking.");
    }
}
