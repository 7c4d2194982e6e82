package dev.agentforge.tool;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.progress.CancellationToken;

/**
 * Starts agent runs from inside a tool so that cancelling the tool call, its run or its timeout also
 * cancels them.
 */
public final class ChildRuns {

    private ChildRuns() {
    }

    /**
     * Starts a run of {@code agent} that is cancelled, with the same reason, when the tool call's token is.
     * The link is removed when the child run ends.
     */
    public static AgentRun start(Agent agent, RunRequest request, ToolContext context) {
        AgentRun child = agent.start(request);
        CancellationToken token = context.cancellation();
        CancellationToken.Registration link = token.onCancel(() -> child.cancel("its parent tool call was cancelled: "
                + token.reason()));
        child.result().whenComplete((result, failure) -> link.close());
        return child;
    }
}
