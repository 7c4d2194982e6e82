package dev.agentforge.tool.compose;

import dev.agentforge.resilience.RetryPolicy;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import java.util.Optional;
import dev.agentforge.tool.ToolSettings;
import tools.jackson.databind.JsonNode;

/**
 * Runs a tool under a {@link RetryPolicy}: a failure the policy retries leads to another attempt after
 * its backoff, and the call's token is checked before each attempt. For a tool the executor runs, the
 * same policy can instead go into its {@link ToolSettings#retry()}.
 */
public final class RetryingTool extends ComposedTool {

    private final Tool delegate;
    private final RetryPolicy policy;

    RetryingTool(Tool delegate, RetryPolicy policy) {
        super(delegate.name(), delegate.description(), delegate.parameters());
        this.delegate = delegate;
        this.policy = policy;
    }

    @Override
    public Optional<ToolSettings> settings() {
        return delegate.settings();
    }

    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws Exception {
        return policy.call(() -> {
            context.cancellation().throwIfCancelled();
            return delegate.execute(arguments, context);
        });
    }
}
