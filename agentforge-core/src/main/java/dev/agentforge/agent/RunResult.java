package dev.agentforge.agent;

import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Usage;

/**
 * How a run ended.
 *
 * @param runId the id of the run
 * @param status the final status: completed, failed or cancelled
 * @param answer the final answer, or null unless completed
 * @param usage the tokens the run used
 * @param error the error that ended the run, or null unless failed
 * @param cancelReason why the run was cancelled, or null unless cancelled
 */
public record RunResult(String runId, RunStatus status, String answer, Usage usage, ErrorEvent error,
        String cancelReason) {
}
