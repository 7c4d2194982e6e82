package dev.agentforge.tool;

import dev.agentforge.progress.CancellationToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the tool calls of one model turn. Every failure becomes an outcome the model can read, and
 * results come back in call order, one per call id, whatever order the calls finish in.
 *
 * <p>A turn with one call runs it on the caller's thread, because a hand-off to another thread would
 * cost more than many small tools take. A turn with several calls runs each on its own virtual thread.
 * Interrupting the caller interrupts every call still running.
 */
public final class ToolExecutor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ToolExecutor.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final ToolRegistry registry;
    private final Clock clock;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("agentforge-tool-", 0).factory());

    public ToolExecutor(ToolRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    public ToolExecutor(ToolRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** The registry this executor resolves calls against. */
    public ToolRegistry registry() {
        return registry;
    }

    /**
     * Runs the calls of one model turn and returns one outcome per call, in call order.
     *
     * @param calls the calls, in the order the model made them
     * @param runId the run making the calls
     * @param principal the principal the run acts for
     * @param onOutcome receives each outcome in call order, as soon as it and every earlier call are done
     * @throws InterruptedException if the caller is interrupted; the running calls are interrupted too
     */
    public List<ToolOutcome> executeAll(List<ToolCall> calls, String runId, String principal,
            Consumer<ToolOutcome> onOutcome) throws InterruptedException {
        return executeAll(calls, runId, principal, CancellationToken.create(), onOutcome);
    }

    /**
     * Runs the calls of one model turn as {@link #executeAll(List, String, String, Consumer)} does, and
     * passes each call the run's cancellation token.
     */
    public List<ToolOutcome> executeAll(List<ToolCall> calls, String runId, String principal,
            CancellationToken cancellation, Consumer<ToolOutcome> onOutcome) throws InterruptedException {
        List<ToolOutcome> outcomes = new ArrayList<>(calls.size());
        if (calls.size() == 1) {
            ToolOutcome outcome = execute(calls.getFirst(), runId, principal, cancellation);
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("Run " + runId + " was interrupted during tool call " + calls.getFirst().id());
            }
            onOutcome.accept(outcome);
            outcomes.add(outcome);
            return outcomes;
        }
        List<Future<ToolOutcome>> futures = new ArrayList<>(calls.size());
        for (ToolCall call : calls) {
            futures.add(threads.submit(() -> execute(call, runId, principal, cancellation)));
        }
        try {
            for (Future<ToolOutcome> future : futures) {
                ToolOutcome outcome = future.get();
                onOutcome.accept(outcome);
                outcomes.add(outcome);
            }
        } catch (InterruptedException e) {
            futures.forEach(future -> future.cancel(true));
            throw e;
        } catch (ExecutionException | CancellationException e) {
            // execute() turns every failure into an outcome, so this is a bug in this class.
            futures.forEach(future -> future.cancel(true));
            throw new IllegalStateException("A tool call of run " + runId + " failed outside its outcome", e);
        }
        return outcomes;
    }

    /** Runs one call; every failure, including an unknown tool or invalid arguments, becomes an outcome. */
    public ToolOutcome execute(ToolCall call, String runId, String principal) {
        return execute(call, runId, principal, CancellationToken.create());
    }

    /** Runs one call with the run's cancellation token; every failure becomes an outcome. */
    public ToolOutcome execute(ToolCall call, String runId, String principal, CancellationToken cancellation) {
        Instant start = clock.instant();
        try {
            ToolRegistry.ValidatedCall validated = registry.validate(call.name(), call.arguments());
            Object value = validated.tool().execute(validated.arguments(),
                    new ToolContext(runId, call.id(), principal, cancellation.child()));
            return new ToolOutcome(call, render(value), null, Duration.between(start, clock.instant()));
        } catch (ToolException e) {
            return new ToolOutcome(call, null, e.getMessage(), Duration.between(start, clock.instant()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ToolOutcome(call, null, "Tool '" + call.name() + "' was interrupted because its run was cancelled",
                    Duration.between(start, clock.instant()));
        } catch (Exception e) {
            LOG.warn("Tool {} failed in run {} (call {})", call.name(), runId, call.id(), e);
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new ToolOutcome(call, null, "Tool '" + call.name() + "' failed: " + message,
                    Duration.between(start, clock.instant()));
        }
    }

    private static String render(Object value) {
        if (value instanceof String text) {
            return text;
        }
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JacksonException e) {
            return String.valueOf(value);
        }
    }

    /** Interrupts the calls still running and stops accepting new ones. */
    @Override
    public void close() {
        threads.shutdownNow();
    }
}
