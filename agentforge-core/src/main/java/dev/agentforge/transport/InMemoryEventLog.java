package dev.agentforge.transport;

import dev.agentforge.event.Action;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.event.Progress;
import dev.agentforge.event.RunCancelled;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import dev.agentforge.event.Thought;
import dev.agentforge.event.Token;
import dev.agentforge.event.WaitingInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * An {@link EventLog} in the heap of this process. Each stream keeps a cursor into the log and is
 * woken when an event is appended, so a slow subscriber costs the log nothing but its cursor.
 *
 * <p>With a {@link Retention} limit the log trims its oldest events once it holds more events or
 * bytes than the limit allows. It never trims its newest event, so the terminal event stays.
 * {@link #firstSequence()} then tells readers which events are gone.
 */
public final class InMemoryEventLog implements EventLog {

    /**
     * The limits of what a log keeps. When an append goes over either limit, the oldest events are
     * removed until the log fits again, keeping at least the newest event.
     *
     * @param maxEvents the maximum number of events kept, at least 1
     * @param maxBytes the maximum estimated heap of the kept events, in bytes, at least 1; the
     *     estimate is two bytes per char of text plus 96 bytes per event
     */
    public record Retention(int maxEvents, long maxBytes) {

        /** Keeps every event: the default. */
        public static final Retention UNLIMITED = new Retention(Integer.MAX_VALUE, Long.MAX_VALUE);

        public Retention {
            if (maxEvents < 1) {
                throw new IllegalArgumentException("Invalid event log maxEvents " + maxEvents + ": use 1 or more");
            }
            if (maxBytes < 1) {
                throw new IllegalArgumentException("Invalid event log maxBytes " + maxBytes + ": use 1 or more");
            }
        }

        /** Returns a limit of this many events and no byte limit. */
        public static Retention ofEvents(int maxEvents) {
            return new Retention(maxEvents, Long.MAX_VALUE);
        }

        /** Returns a limit of this many estimated bytes and no event limit. */
        public static Retention ofBytes(long maxBytes) {
            return new Retention(Integer.MAX_VALUE, maxBytes);
        }
    }

    private final String runId;
    private final Retention retention;
    private final List<AgentEvent> events = new ArrayList<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Set<Cursor> cursors = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile long retainedBytes;
    // The sequence number of events.get(0), or the next sequence number while the log is empty.
    private long firstSequence = 1;
    private long trimmedEvents;

    /** Creates a log that keeps every event. */
    public InMemoryEventLog(String runId) {
        this(runId, Retention.UNLIMITED);
    }

    /** Creates a log that trims its oldest events beyond the retention limit. */
    public InMemoryEventLog(String runId, Retention retention) {
        this.runId = runId;
        this.retention = Objects.requireNonNull(retention, "retention");
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public void append(AgentEvent event) {
        if (!runId.equals(event.runId())) {
            throw new IllegalArgumentException(
                    "Event of run " + event.runId() + " cannot be appended to the log of run " + runId);
        }
        lock.writeLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("The event log of run " + runId + " is closed; "
                        + "no event may follow the run's terminal event");
            }
            long expected = firstSequence + events.size();
            if (event.sequence() != expected) {
                throw new IllegalArgumentException("Event " + event.type() + " of run " + runId
                        + " has sequence number " + event.sequence() + ", expected " + expected);
            }
            events.add(event);
            retainedBytes += estimateBytes(event);
            trimOldest(retention.maxEvents(), retention.maxBytes());
        } finally {
            lock.writeLock().unlock();
        }
        cursors.forEach(Cursor::drain);
    }

    /**
     * Removes the oldest events until at most {@code keepEvents} remain, such as for a memory cleanup,
     * keeping at least the newest event. Returns an estimate of the bytes freed.
     */
    public long trimToLast(int keepEvents) {
        lock.writeLock().lock();
        try {
            long before = retainedBytes;
            trimOldest(Math.max(1, keepEvents), Long.MAX_VALUE);
            return before - retainedBytes;
        } finally {
            lock.writeLock().unlock();
        }
    }

    // Called with the write lock held.
    private void trimOldest(int maxEvents, long maxBytes) {
        int remove = 0;
        long bytes = retainedBytes;
        while (events.size() - remove > 1 && (events.size() - remove > maxEvents || bytes > maxBytes)) {
            bytes -= estimateBytes(events.get(remove));
            remove++;
        }
        if (remove == 0) {
            return;
        }
        events.subList(0, remove).clear();
        firstSequence += remove;
        trimmedEvents += remove;
        retainedBytes = bytes;
    }

    @Override
    public long lastSequence() {
        lock.readLock().lock();
        try {
            return firstSequence - 1 + events.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long firstSequence() {
        lock.readLock().lock();
        try {
            return firstSequence;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The number of events trimmed so far under the retention limit or by {@link #trimToLast}. */
    public long trimmedEvents() {
        lock.readLock().lock();
        try {
            return trimmedEvents;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<AgentEvent> after(long afterSequence) {
        return after(afterSequence, Integer.MAX_VALUE);
    }

    @Override
    public List<AgentEvent> after(long afterSequence, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("Invalid limit " + limit + ": use 1 or more");
        }
        lock.readLock().lock();
        try {
            int from = indexAfter(afterSequence);
            int to = (int) Math.min(events.size(), (long) from + limit);
            return List.copyOf(events.subList(from, to));
        } finally {
            lock.readLock().unlock();
        }
    }

    // The index of the first kept event with a sequence number greater than afterSequence. Called with a lock held.
    private int indexAfter(long afterSequence) {
        long index = Math.max(afterSequence, 0) + 1 - firstSequence;
        return (int) Math.min(Math.max(index, 0), events.size());
    }

    @Override
    public Flux<AgentEvent> stream(long afterSequence) {
        return Flux.create(sink -> {
            Cursor cursor = new Cursor(sink, Math.max(afterSequence, 0));
            cursors.add(cursor);
            sink.onRequest(n -> cursor.drain());
            sink.onDispose(() -> cursors.remove(cursor));
            cursor.drain();
        }, FluxSink.OverflowStrategy.ERROR);
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
        cursors.forEach(Cursor::drain);
    }

    @Override
    public boolean closed() {
        return closed;
    }

    @Override
    public long retainedBytes() {
        return retainedBytes;
    }

    // The first kept event with a sequence number greater than afterSequence, or null if none is logged yet.
    private AgentEvent eventAfter(long afterSequence) {
        lock.readLock().lock();
        try {
            int index = indexAfter(afterSequence);
            return index < events.size() ? events.get(index) : null;
        } finally {
            lock.readLock().unlock();
        }
    }

    // An estimate from the text an event holds, two bytes per char plus a fixed object overhead.
    private static long estimateBytes(AgentEvent event) {
        long chars = switch (event) {
            case RunStarted e -> length(e.input()) + length(e.modelNote());
            case Token e -> length(e.text());
            case Thought e -> length(e.text());
            case Action e -> length(e.arguments());
            case Observation e -> length(e.result()) + length(e.error());
            case ErrorEvent e -> length(e.message()) + length(e.partialText());
            case RunCompleted e -> length(e.answer());
            case Progress e -> length(e.message());
            case WaitingInput e -> length(e.question());
            case RunCancelled e -> length(e.reason());
        };
        return 96 + 2 * chars;
    }

    private static long length(String text) {
        return text == null ? 0 : text.length();
    }

    /**
     * One subscriber's position in the log. {@code drain} may be called from any thread: the
     * work-in-progress counter makes sure one thread at a time emits, so events leave in order.
     */
    private final class Cursor {
        private final FluxSink<AgentEvent> sink;
        private final AtomicInteger wip = new AtomicInteger();
        // The sequence number of the last event emitted, or the start point before the first.
        private long position;
        private boolean done;

        Cursor(FluxSink<AgentEvent> sink, long afterSequence) {
            this.sink = sink;
            this.position = afterSequence;
        }

        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                while (!done && !sink.isCancelled() && sink.requestedFromDownstream() > 0) {
                    // Read the closed flag before the event: a log closed before this read has all its events.
                    boolean closedBefore = closed;
                    AgentEvent event = eventAfter(position);
                    if (event == null) {
                        if (closedBefore) {
                            done = true;
                            cursors.remove(this);
                            sink.complete();
                        }
                        break;
                    }
                    position = event.sequence();
                    sink.next(event);
                }
                if (!done && closed && sink.requestedFromDownstream() == 0 && position >= lastSequence()) {
                    done = true;
                    cursors.remove(this);
                    sink.complete();
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}
