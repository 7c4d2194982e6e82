package dev.agentforge.tool;

import dev.agentforge.progress.CancellationToken;
import java.util.Objects;

/**
 * The run and the call a tool execution belongs to.
 *
 * @param runId the id of the run that made the call
 * @param callId the id the model gave the call
 * @param principal the principal the run acts for
 * @param cancellation cancelled when the run is; a tool registers here what must stop with it, such as
 *     a process it started or a request it sent
 */
public record ToolContext(String runId, String callId, String principal, CancellationToken cancellation) {

    public ToolContext {
        Objects.requireNonNull(cancellation, "cancellation");
    }

    /** Creates a context whose token is cancelled by nothing, for calls outside a run. */
    public ToolContext(String runId, String callId, String principal) {
        this(runId, callId, principal, CancellationToken.create());
    }
}
