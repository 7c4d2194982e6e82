package dev.agentforge.tool;

import dev.agentforge.progress.CancellationToken;
import dev.agentforge.resilience.RetryPolicy;
import dev.agentforge.tool.internal.AdmissionQueue;
import dev.agentforge.tool.internal.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One tool call inside a {@link ToolExecutor}: its outcome, its cancellation token, the thread running
 * its handler and its admission ticket. The outcome is completed exactly once, by the handler, the
 * timeout or a cancel, whichever comes first. The ticket is released only when the handler has really
 * returned.
 */
final class CallExecution {

    private static final Logger LOG = LoggerFactory.getLogger(ToolExecutor.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** The call whose handler runs on the current thread, so a call made from that handler counts as nested. */
    static final ThreadLocal<CallExecution> CURRENT = new ThreadLocal<>();

    final ToolExecutor executor;
    final ToolCall call;
    final String runId;
    final String principal;
    final Instant received;
    final CompletableFuture<ToolOutcome> result = new CompletableFuture<>();
    private final AtomicBoolean completed = new AtomicBoolean();

    private Tool tool;
    private JsonNode arguments;
    private ToolSettings settings;
    private CancellationToken token;
    private CancellationToken.Registration cancelRegistration;
    private AdmissionQueue.Ticket<CallExecution> ticket;
    private boolean nested;
    /** Whether the thread that made the call may run its handler: set for a lone call admitted at once or nested. */
    volatile boolean callerMayRun;
    private volatile Instant startedAt;
    private volatile int attempts;
    private volatile ToolScheduler.Cancellable timer;

    // Guarded by this: the thread running the handler, and whether stop() interrupted it.
    private Thread handlerThread;
    private boolean interruptedByStop;

    CallExecution(ToolExecutor executor, ToolCall call, String runId, String principal, Instant received) {
        this.executor = executor;
        this.call = call;
        this.runId = runId;
        this.principal = principal;
        this.received = received;
    }

    /** Sets what the call runs, and stops it as cancelled when {@code callToken} is cancelled. */
    void prepare(Tool resolved, JsonNode validArguments, ToolSettings resolvedSettings, CancellationToken callToken,
            boolean nestedCall) {
        this.tool = resolved;
        this.arguments = validArguments;
        this.settings = resolvedSettings;
        this.token = callToken;
        this.nested = nestedCall;
        this.cancelRegistration = callToken.onCancel(() -> stop(ToolOutcome.Status.CANCELLED,
                "Tool '" + call.name() + "' was cancelled: " + callToken.reason()));
    }

    void ticket(AdmissionQueue.Ticket<CallExecution> admissionTicket) {
        this.ticket = admissionTicket;
    }

    AdmissionQueue.Ticket<CallExecution> ticket() {
        return ticket;
    }

    ToolSettings settings() {
        return settings;
    }

    CancellationToken token() {
        return token;
    }

    boolean nested() {
        return nested;
    }

    /** The pool the call counts against, or null before the call is resolved to a tool. */
    String pool() {
        return settings == null ? null : settings.pool();
    }

    /** Completes the call without running it, for calls that are invalid, rejected or unavailable. */
    void finishEarly(ToolOutcome.Status status, String error) {
        complete(new ToolOutcome(call, null, error, elapsed(), status));
    }

    /**
     * Runs the handler on the current thread, unless the call already has its outcome, then releases the
     * call's admission. Runs exactly once for each admitted or nested call.
     */
    void run(boolean onCallerThread) {
        boolean runHandler;
        synchronized (this) {
            runHandler = !isCompleted() && !executor.isClosed();
            if (runHandler) {
                handlerThread = Thread.currentThread();
            }
        }
        try {
            if (runHandler) {
                runHandler(onCallerThread);
            } else if (!isCompleted()) {
                stop(ToolOutcome.Status.CANCELLED, "Tool '" + call.name() + "' was not run because the tool executor shut down.");
            }
        } finally {
            synchronized (this) {
                handlerThread = null;
                if (interruptedByStop) {
                    // stop() interrupted this thread for this call only; a caller's thread goes on with other work.
                    Thread.interrupted();
                }
            }
            ToolScheduler.Cancellable pending = timer;
            if (pending != null) {
                pending.cancel();
            }
            cancelRegistration.close();
            if (token != null) {
                token.release();
            }
            executor.handlerReturned(this, startedAt == null ? Duration.ZERO : Duration.between(startedAt, executor.now()));
        }
    }

    private void runHandler(boolean onCallerThread) {
        startedAt = executor.now();
        executor.emit(new ToolExecutionEvent.Started(runId, call.id(), call.name(), pool(), startedAt,
                Duration.between(received, startedAt), onCallerThread, nested));
        Duration timeout = settings.timeout();
        if (timeout != null) {
            timer = executor.scheduler().schedule(timeout, () -> stop(ToolOutcome.Status.TIMED_OUT,
                    "Tool '" + call.name() + "' timed out after " + Durations.format(timeout)
                            + " and was cancelled. Call it again with a smaller request, or continue without it."));
        }
        CallExecution outer = CURRENT.get();
        CURRENT.set(this);
        ToolOutcome outcome;
        try {
            outcome = new ToolOutcome(call, render(invoke()), null, elapsed(), ToolOutcome.Status.SUCCEEDED);
        } catch (ToolUnavailableException e) {
            outcome = new ToolOutcome(call, null, e.getMessage(), elapsed(), ToolOutcome.Status.UNAVAILABLE);
        } catch (ToolException e) {
            outcome = new ToolOutcome(call, null, e.getMessage(), elapsed(), ToolOutcome.Status.FAILED);
        } catch (InterruptedException e) {
            if (onCallerThread) {
                Thread.currentThread().interrupt();
            }
            outcome = new ToolOutcome(call, null, "Tool '" + call.name() + "' was interrupted because its run was cancelled",
                    elapsed(), ToolOutcome.Status.CANCELLED);
        } catch (CancellationException e) {
            outcome = new ToolOutcome(call, null, "Tool '" + call.name() + "' was cancelled: " + e.getMessage(), elapsed(),
                    ToolOutcome.Status.CANCELLED);
        } catch (Exception e) {
            if (!isCompleted()) {
                LOG.warn("Tool {} failed in run {} (call {})", call.name(), runId, call.id(), e);
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            outcome = new ToolOutcome(call, null, "Tool '" + call.name() + "' failed: " + message, elapsed(),
                    ToolOutcome.Status.FAILED);
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
        complete(outcome);
    }

    private Object invoke() throws Exception {
        if (tool instanceof ToolLifecycle lifecycle) {
            executor.lifecycles().initialize(lifecycle, tool.name());
        }
        ToolContext context = new ToolContext(runId, call.id(), principal, token);
        RetryPolicy retry = settings.retry();
        if (retry == null) {
            attempts = 1;
            return tool.execute(arguments, context);
        }
        return retry.call(() -> {
            token.throwIfCancelled();
            attempts++;
            return tool.execute(arguments, context);
        });
    }

    /**
     * Ends the call with an error outcome at once: cancels its token, removes it from the queue if it
     * waits, and interrupts its handler if it runs. The admission stays held until the handler returns.
     */
    void stop(ToolOutcome.Status status, String error) {
        if (!complete(new ToolOutcome(call, null, error, elapsed(), status))) {
            return;
        }
        if (token != null) {
            token.cancel(error);
        }
        if (ticket != null) {
            executor.withdraw(this);
        }
        synchronized (this) {
            if (handlerThread != null) {
                interruptedByStop = true;
                handlerThread.interrupt();
            }
        }
    }

    /** Whether the call has its outcome, or is about to: set before listeners hear of it. */
    boolean isCompleted() {
        return completed.get();
    }

    // Listeners hear of the outcome before the caller gets it, so metrics and audit logs are up to date
    // by the time the caller reads the outcome.
    private boolean complete(ToolOutcome outcome) {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        Instant now = executor.now();
        Instant started = startedAt;
        Duration waited = Duration.between(received, started == null ? now : started);
        Duration ran = started == null ? Duration.ZERO : Duration.between(started, now);
        executor.emit(new ToolExecutionEvent.Finished(runId, call.id(), call.name(), pool(), now, outcome.status(),
                waited, ran, attempts, outcome.error()));
        result.complete(outcome);
        return true;
    }

    private Duration elapsed() {
        return Duration.between(received, executor.now());
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
}
