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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * An {@link EventLog} in the heap of this process. Each stream keeps a cursor into the log and is
 * woken when an event is appended, so a slow subscriber costs the log nothing but its cursor.
 */
public final class InMemoryEventLog implements EventLog {

    private final String runId;
    private final List<AgentEvent> events = new ArrayList<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Set<Cursor> cursors = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile long retainedBytes;

    public InMemoryEventLog(String runId) {
        this.runId = runId;
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
            long expected = events.size() + 1L;
            if (event.sequence() != expected) {
                throw new IllegalArgumentException("Event " + event.type() + " of run " + runId
                        + " has sequence number " + event.sequence() + ", expected " + expected);
            }
            events.add(event);
            retainedBytes += estimateBytes(event);
        } finally {
            lock.writeLock().unlock();
        }
        cursors.forEach(Cursor::drain);
    }

    @Override
    public long lastSequence() {
        lock.readLock().lock();
        try {
            return events.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<AgentEvent> after(long afterSequence) {
        lock.readLock().lock();
        try {
            int from = (int) Math.min(Math.max(afterSequence, 0), events.size());
            return List.copyOf(events.subList(from, events.size()));
        } finally {
            lock.readLock().unlock();
        }
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

    private AgentEvent eventAt(long index) {
        lock.readLock().lock();
        try {
            return index < events.size() ? events.get((int) index) : null;
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
        private long next;
        private boolean done;

        Cursor(FluxSink<AgentEvent> sink, long afterSequence) {
            this.sink = sink;
            this.next = afterSequence;
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
                    AgentEvent event = eventAt(next);
                    if (event == null) {
                        if (closedBefore) {
                            done = true;
                            cursors.remove(this);
                            sink.complete();
                        }
                        break;
                    }
                    next++;
                    sink.next(event);
                }
                if (!done && closed && sink.requestedFromDownstream() == 0 && next >= lastSequence()) {
                    done = true;
                    cursors.remove(this);
                    sink.complete();
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}
