package dev.agentforge.tool;

/**
 * The run and the call a tool execution belongs to.
 *
 * @param runId the id of the run that made the call
 * @param callId the id the model gave the call
 * @param principal the principal the run acts for
 */
public record ToolContext(String runId, String callId, String principal) {
}
