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

    /**
     * The sequence number of the oldest event the log still holds: 1 unless the log trims old events
     * under a retention limit, and {@code lastSequence() + 1} while it is empty. Events before it are
     * gone, and a reader that resumes before it must tell its client so.
     */
    default long firstSequence() {
        return 1;
    }

    /** Returns the events with a sequence number greater than {@code afterSequence}, in order. */
    List<AgentEvent> after(long afterSequence);

    /**
     * Returns at most {@code limit} events with a sequence number greater than {@code afterSequence},
     * in order: one page of a replay that a writer reads at its own pace.
     *
     * @throws IllegalArgumentException if {@code limit} is less than 1
     */
    default List<AgentEvent> after(long afterSequence, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("Invalid limit " + limit + ": use 1 or more");
        }
        List<AgentEvent> events = after(afterSequence);
        return events.size() <= limit ? events : List.copyOf(events.subList(0, limit));
    }

    /**
     * Streams the events after {@code afterSequence}: first those already in the log, then each one as it
     * is appended, with no gap and no duplicate. The stream completes once the log is closed and every
     * event has been delivered. It honours backpressure: events wait in the log, not in a buffer.
     * Events that the log trimmed before the stream reached them are skipped, so a reader detects that
     * gap from the sequence numbers.
     */
    Flux<AgentEvent> stream(long afterSequence);

    /** Marks the end of the run: no event is appended after this, and open streams complete. */
    void close();

    /** Whether the log is closed. */
    boolean closed();

    /** An estimate of the heap the logged events retain, in bytes. */
    long retainedBytes();
}
