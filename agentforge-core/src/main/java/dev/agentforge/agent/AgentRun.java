package dev.agentforge.agent;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Progress;
import dev.agentforge.event.RunCancelled;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.Usage;
import dev.agentforge.event.WaitingInput;
import dev.agentforge.progress.CancellationToken;
import dev.agentforge.transport.EventLog;
import dev.agentforge.transport.InMemoryEventLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * The handle of one run: its events, its result and a way to cancel it. Every event is appended to the
 * run's {@link EventLog} before any subscriber receives it, so {@link #events()} may be subscribed to at
 * any time and still delivers the run from its first event.
 */
public final class AgentRun {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRun.class);

    private final String id;
    private final RunRequest request;
    private final Clock clock;
    private final Instant startedAt;
    private final EventLog log;
    private final CompletableFuture<RunResult> result = new CompletableFuture<>();
    private final CancellationToken cancellation = CancellationToken.create();
    private final Object emitLock = new Object();
    private long lastSequence;
    private volatile RunStatus status = RunStatus.RUNNING;
    private volatile Instant finishedAt;
    private volatile Thread thread;
    private volatile Usage usage = Usage.ZERO;
    private final Object inputLock = new Object();
    private PendingInput pendingInput;

    /** A question the run waits on, with the future that the answer completes. Guarded by inputLock. */
    private record PendingInput(WaitingInput event, CompletableFuture<String> answer) {
    }

    AgentRun(String id, RunRequest request, Clock clock) {
        this(id, request, clock, InMemoryEventLog.Retention.UNLIMITED);
    }

    AgentRun(String id, RunRequest request, Clock clock, InMemoryEventLog.Retention retention) {
        this.id = id;
        this.request = request;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.log = new InMemoryEventLog(id, retention);
    }

    void attach(Thread thread) {
        this.thread = thread;
    }

    public String id() {
        return id;
    }

    public RunRequest request() {
        return request;
    }

    public RunStatus status() {
        return status;
    }

    /** The tokens the run has used so far. */
    public Usage usage() {
        return usage;
    }

    void addUsage(Usage more) {
        synchronized (emitLock) {
            usage = usage.plus(more);
        }
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** The time the run ended, or null while it runs. */
    public Instant finishedAt() {
        return finishedAt;
    }

    /**
     * Returns an estimate of the heap this run retains, in bytes: its event log, which contains every
     * token, tool result and answer of the run. The JVM counts no allocation per virtual thread, so
     * this counts what the run keeps rather than what it allocated.
     */
    public long retainedBytes() {
        return log.retainedBytes();
    }

    /** Cancelled when the run is cancelled; the model call, tool calls and child runs stop with it. */
    public CancellationToken cancellation() {
        return cancellation;
    }

    /** The run's event log. */
    public EventLog log() {
        return log;
    }

    /** Streams every event of the run from the first, then live; completes after the terminal event. */
    public Flux<AgentEvent> events() {
        return log.stream(0);
    }

    /** Streams the events after the given sequence number, then live; completes after the terminal event. */
    public Flux<AgentEvent> eventsAfter(long sequence) {
        return log.stream(sequence);
    }

    /** Completes when the run ends, whatever the outcome; it never completes exceptionally. */
    public CompletableFuture<RunResult> result() {
        return result.copy();
    }

    /**
     * Cancels the run: its {@code cancelled} event is logged at once, and the run's thread and tool calls
     * are interrupted.
     *
     * @return true if this call cancelled the run, false if it had already ended
     */
    public boolean cancel(String reason) {
        String why = reason == null || reason.isBlank() ? "cancelled by request" : reason;
        boolean cancelled = finish(RunStatus.CANCELLED,
                (sequence, now) -> new RunCancelled(id, sequence, now, why));
        if (cancelled) {
            LOG.info("Run {} cancelled: {}", id, why);
            cancellation.cancel(why);
            Thread runThread = thread;
            if (runThread != null) {
                runThread.interrupt();
            }
        }
        return cancelled;
    }

    /**
     * Reports how far the run has come as a {@code progress} event, appended to the log before any
     * subscriber receives it. Returns the event, or null, appending nothing, once the run has ended.
     *
     * @param total the units of work in all, or null while unknown
     * @param message what the run is doing now, or null
     */
    public Progress reportProgress(long current, Long total, String message) {
        return emit((sequence, now) -> new Progress(id, sequence, now, current, total, message));
    }

    /**
     * Returns the {@code waiting_input} event of the question the run waits on, or empty when it waits
     * for no answer.
     */
    public Optional<WaitingInput> waitingInput() {
        synchronized (inputLock) {
            return pendingInput == null || status.finished() ? Optional.empty() : Optional.of(pendingInput.event());
        }
    }

    /**
     * Delivers the user's answer to the question the run waits on, which the {@code ask_user} tool call
     * returns to the model.
     *
     * @return true if the run was waiting and takes this answer, false if it waits for no answer, such as
     *     when it has finished, another answer came first, or the wait timed out
     */
    public boolean provideInput(String input) {
        Objects.requireNonNull(input, "input");
        synchronized (inputLock) {
            if (pendingInput == null || status.finished()) {
                return false;
            }
            PendingInput pending = pendingInput;
            pendingInput = null;
            LOG.info("Run {} received the answer to call {}", id, pending.event().callId());
            return pending.answer().complete(input);
        }
    }

    /**
     * Logs a {@code waiting_input} event and waits for {@link #provideInput}. Called on the run's thread.
     *
     * @throws InterruptedException if the run is cancelled while it waits
     * @throws TimeoutException if no answer arrives within the timeout
     * @throws CancellationException if the run has already ended
     */
    String awaitInput(String callId, String question, Duration timeout) throws InterruptedException, TimeoutException {
        PendingInput pending;
        synchronized (inputLock) {
            if (pendingInput != null) {
                throw new IllegalStateException("Run " + id + " already waits for the answer to call "
                        + pendingInput.event().callId());
            }
            // The event is logged and the wait registered under inputLock, so an answer sent as soon as
            // the event is seen waits for the registration in provideInput.
            WaitingInput event = emit((sequence, now) -> new WaitingInput(id, sequence, now, callId, question));
            if (event == null) {
                throw new CancellationException("Run " + id + " ended before it could ask the user");
            }
            pending = new PendingInput(event, new CompletableFuture<>());
            pendingInput = pending;
        }
        try {
            return pending.answer().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The answer of run " + id + " failed", e.getCause());
        } catch (TimeoutException e) {
            synchronized (inputLock) {
                // An answer may have arrived between the timeout and this lock.
                String answer = pending.answer().getNow(null);
                if (answer != null) {
                    return answer;
                }
                throw e;
            }
        } finally {
            synchronized (inputLock) {
                if (pendingInput == pending) {
                    pendingInput = null;
                }
            }
        }
    }

    /**
     * Appends a non-terminal event, numbered next. Returns null, appending nothing, once the run has
     * ended: a token that arrives after a cancel has no place in the log.
     */
    <E extends AgentEvent> E emit(BiFunction<Long, Instant, E> factory) {
        synchronized (emitLock) {
            if (status.finished()) {
                return null;
            }
            E event = factory.apply(lastSequence + 1, clock.instant());
            log.append(event);
            lastSequence = event.sequence();
            return event;
        }
    }

    /**
     * Appends the run's terminal event and ends the run, unless it has already ended.
     *
     * @return true if this call ended the run
     */
    boolean finish(RunStatus finalStatus, BiFunction<Long, Instant, ? extends AgentEvent> factory) {
        AgentEvent terminal;
        synchronized (emitLock) {
            if (status.finished()) {
                return false;
            }
            terminal = factory.apply(lastSequence + 1, clock.instant());
            log.append(terminal);
            lastSequence = terminal.sequence();
            status = finalStatus;
            finishedAt = terminal.timestamp();
            log.close();
        }
        result.complete(resultOf(terminal));
        return true;
    }

    private RunResult resultOf(AgentEvent terminal) {
        return switch (terminal) {
            case RunCompleted done -> new RunResult(id, RunStatus.COMPLETED, done.answer(), done.usage(), null, null);
            case ErrorEvent error -> new RunResult(id, RunStatus.FAILED, null, usage, error, null);
            case RunCancelled cancelled -> new RunResult(id, RunStatus.CANCELLED, null, usage, null, cancelled.reason());
            default -> throw new IllegalStateException("Event " + terminal.type() + " cannot end a run");
        };
    }

    @Override
    public String toString() {
        return "AgentRun[" + id + ", " + status + "]";
    }
}
