package dev.agentforge.agent;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Progress;
import dev.agentforge.event.RunCancelled;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.Usage;
import dev.agentforge.progress.CancellationToken;
import dev.agentforge.transport.EventLog;
import dev.agentforge.transport.InMemoryEventLog;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
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

    AgentRun(String id, RunRequest request, Clock clock) {
        this.id = id;
        this.request = request;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.log = new InMemoryEventLog(id);
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
     * Returns an estimate of the heap this run retains, in bytes: its event log, which holds every
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
