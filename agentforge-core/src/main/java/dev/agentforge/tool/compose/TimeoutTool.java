package dev.agentforge.tool.compose;

import dev.agentforge.progress.CancellationToken;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import dev.agentforge.tool.ToolScheduler;
import dev.agentforge.tool.ToolSettings;
import dev.agentforge.tool.internal.Durations;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import tools.jackson.databind.JsonNode;

/**
 * Runs a tool on its own virtual thread and gives up after a timeout: the call then fails at once with a
 * retryable {@link ToolException} saying "timed out after", the tool's token is cancelled and its thread
 * interrupted. Useful inside a composition; a tool the executor runs can take its timeout from
 * {@link ToolSettings#timeout()} instead, which also keeps its pool slot until the handler returns.
 */
public final class TimeoutTool extends ComposedTool {

    private final Tool delegate;
    private final Duration timeout;
    private final ToolScheduler scheduler;

    TimeoutTool(Tool delegate, Duration timeout, ToolScheduler scheduler) {
        super(delegate.name(), delegate.description(), delegate.parameters());
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("Invalid timeout " + timeout + ": use a positive duration");
        }
        this.delegate = delegate;
        this.timeout = timeout;
        this.scheduler = scheduler;
    }

    @Override
    public Optional<ToolSettings> settings() {
        return delegate.settings();
    }

    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws Exception {
        CancellationToken token = context.cancellation().child();
        ToolContext inner = new ToolContext(context.runId(), context.callId(), context.principal(), token);
        CompletableFuture<Object> result = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().name("agentforge-timeout-" + name()).start(() -> {
            try {
                result.complete(delegate.execute(arguments, inner));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        String message = "Tool '" + name() + "' timed out after " + Durations.format(timeout) + " and was cancelled.";
        ToolScheduler.Cancellable timer = scheduler.schedule(timeout, () -> {
            if (result.completeExceptionally(new ToolException(message, true, null))) {
                token.cancel(message);
                thread.interrupt();
            }
        });
        try {
            return result.get();
        } catch (InterruptedException e) {
            token.cancel("the call of " + name() + " was cancelled");
            thread.interrupt();
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } finally {
            timer.cancel();
        }
    }
}
