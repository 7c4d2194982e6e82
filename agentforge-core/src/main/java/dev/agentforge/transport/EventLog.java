package dev.agentforge.transport;

import dev.agentforge.event.AgentEvent;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * The ordered record of one run's events. An event is appended here before any subscriber sees it,
 * and every stream reads from here, which is what lets a client resume after any event it saw.
 */
public interface EventLog {

    /** The id of the run whose events this log records. */
    String runId();

    /**
     * Appends the next event of the run.
     *
     * @throws IllegalArgumentException if the event belongs to another run or its sequence number is
     *     not exactly one more than the last one appended
     * @throws IllegalStateException if the log is already closed
     */
    void append(AgentEvent event);

    /** The sequence number of the last event appended, 0 when the log is empty. */
    long lastSequence();

    /** Returns the events with a sequence number greater than {@code afterSequence}, in order. */
    List<AgentEvent> after(long afterSequence);

    /**
     * Streams the events after {@code afterSequence}: first those already in the log, then each one as it
     * is appended, with no gap and no duplicate. The stream completes once the log is closed and every
     * event has been delivered. It honours backpressure: events wait in the log, not in a buffer.
     */
    Flux<AgentEvent> stream(long afterSequence);

    /** Marks the end of the run: no event is appended after this, and open streams complete. */
    void close();

    /** Whether the log is closed. */
    boolean closed();

    /** An estimate of the heap the logged events retain, in bytes. */
    long retainedBytes();
}
