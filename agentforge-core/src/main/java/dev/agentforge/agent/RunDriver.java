package dev.agentforge.agent;

import dev.agentforge.event.Action;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.event.Progress;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.Thought;
import dev.agentforge.event.Token;
import dev.agentforge.event.Usage;
import dev.agentforge.model.ModelException;
import dev.agentforge.progress.CancellationToken;
import java.util.Objects;

/**
 * The write side of one {@link AgentRun}, handed to a {@link RunProducer}. Each method appends one
 * event to the run's event log, numbered next, before any subscriber receives it. Every method is
 * thread-safe, so callbacks of a streaming client may call it from any thread.
 *
 * <p>Once the run has ended, by {@link #complete}, {@link #fail} or a cancel, the event methods
 * append nothing and return null, and the end methods return false.
 */
public final class RunDriver {

    private final AgentRun run;

    RunDriver(AgentRun run) {
        this.run = Objects.requireNonNull(run, "run");
    }

    /** The run this driver writes to, for reading its id, request, status and events. */
    public AgentRun run() {
        return run;
    }

    public String runId() {
        return run.id();
    }

    public RunRequest request() {
        return run.request();
    }

    /** Cancelled when the run is cancelled; a producer passes it on to the work it starts. */
    public CancellationToken cancellation() {
        return run.cancellation();
    }

    /** Whether the run has ended: completed, failed or cancelled. */
    public boolean finished() {
        return run.status().finished();
    }

    /** Appends a {@code token} event: a piece of the answer text. */
    public Token token(String text) {
        return run.emit((sequence, now) -> new Token(run.id(), sequence, now, text));
    }

    /** Appends a {@code thought} event: a piece of the model's reasoning. */
    public Thought thought(String text) {
        return run.emit((sequence, now) -> new Thought(run.id(), sequence, now, text));
    }

    /** Appends an {@code action} event: a tool call the model requested, before the tool runs. */
    public Action action(String callId, String tool, String arguments) {
        return run.emit((sequence, now) -> new Action(run.id(), sequence, now, callId, tool, arguments));
    }

    /**
     * Appends an {@code observation} event: the outcome of the tool call with the same {@code callId}.
     * Exactly one of {@code result} and {@code error} should be non-null.
     */
    public Observation observation(String callId, String tool, String result, String error, long durationMillis) {
        return run.emit((sequence, now) -> new Observation(run.id(), sequence, now, callId, tool, result, error,
                durationMillis));
    }

    /** Appends a {@code progress} event; {@code total} and {@code message} may be null. */
    public Progress progress(long current, Long total, String message) {
        return run.reportProgress(current, total, message);
    }

    /** Adds token counts to the run's usage, which the {@code done} event reports. */
    public void addUsage(Usage usage) {
        run.addUsage(Objects.requireNonNull(usage, "usage"));
    }

    /**
     * Ends the run with a {@code done} event that carries the answer and the usage added so far.
     *
     * @return true if this call ended the run
     */
    public boolean complete(String answer) {
        String text = answer == null ? "" : answer;
        return run.finish(RunStatus.COMPLETED,
                (sequence, now) -> new RunCompleted(run.id(), sequence, now, text, run.usage()));
    }

    /**
     * Ends the run with a fatal {@code error} event.
     *
     * @param code a code from {@link dev.agentforge.event.ErrorCodes}
     * @param partialText the answer text streamed before the failure; null or empty for none
     * @return true if this call ended the run
     */
    public boolean fail(String code, String message, boolean retryable, String partialText) {
        Objects.requireNonNull(code, "code");
        String partial = partialText == null || partialText.isEmpty() ? null : partialText;
        return run.finish(RunStatus.FAILED,
                (sequence, now) -> new ErrorEvent(run.id(), sequence, now, code, message, retryable, partial, true));
    }

    /** Ends the run with the fatal {@code error} event of a classified model failure. */
    public boolean fail(ModelException failure) {
        return fail(failure.code(), failure.getMessage(), failure.retryable(), failure.partialText());
    }
}
