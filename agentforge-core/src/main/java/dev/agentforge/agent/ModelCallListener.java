package dev.agentforge.agent;

import java.time.Instant;

/**
 * Receives each model call of an agent's runs once it has ended, for traces and metrics. The event
 * log has no event per model call, so this is the one place that sees the call's own duration and
 * token usage. Set it with {@link Agent.Builder#modelCallListener}.
 *
 * <p>It runs on the run's thread after the call, so it must return quickly. An exception it throws
 * is logged and does not affect the run.
 */
@FunctionalInterface
public interface ModelCallListener {

    /** Handles one ended model call of {@code run}. */
    void onModelCall(AgentRun run, ModelCall call);

    /**
     * One call to the model.
     *
     * @param step the loop step of the call, from 1
     * @param model the agent's model label, such as {@code openai:gpt-4o-mini}
     * @param start when the request was sent, by the agent's clock
     * @param end when the response or the failure arrived, by the agent's clock
     * @param inputTokens the input tokens the provider reported, or 0
     * @param outputTokens the output tokens the provider reported, or 0
     * @param finishReason the finish reason, such as {@code STOP} or {@code TOOL_EXECUTION}, or null
     * @param responseModel the model name the provider reported, or null
     * @param error the failure, or null when the call returned a response
     */
    record ModelCall(int step, String model, Instant start, Instant end, long inputTokens, long outputTokens,
            String finishReason, String responseModel, Throwable error) {
    }
}
