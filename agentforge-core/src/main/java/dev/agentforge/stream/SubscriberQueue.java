package dev.agentforge.stream;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.Progress;
import dev.agentforge.event.Thought;
import dev.agentforge.event.Token;
import dev.agentforge.stream.BackpressurePolicy.TokenOverflow;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * The bounded queue between a run's events and one live subscriber, such as an SSE or WebSocket
 * session. The producer side calls {@link #offer}, which never waits for the subscriber, and the writer
 * takes items with {@link #poll}. {@link #attach} wires both sides to a {@link Flux}.
 *
 * <p>When an event does not fit the {@link BackpressurePolicy} (too many events or bytes queued):
 * <ul>
 * <li>Token and thought events are coalesced or dropped by {@link BackpressurePolicy#tokenOverflow()}.
 *     A coalesced event joins the text of consecutive events of one kind and carries the sequence
 *     number and timestamp of the last of them.
 * <li>A progress event replaces the queued progress events, which it supersedes; those are not
 *     announced. If it still does not fit, queued tokens, thoughts and progress make room for it as for
 *     the events below, or else it is dropped.
 * <li>Every other event (run_started, action, observation, error, done, cancelled) is always delivered.
 *     Queued tokens, thoughts and progress events, oldest first, are dropped to make room for it. If
 *     that is not enough, the subscriber is disconnected.
 * </ul>
 * Dropped events are announced in place by {@link StreamNotice.EventsDropped} notices that give their
 * range of sequence numbers, so the subscriber can fetch them again by resuming; adjacent notices are
 * merged into one. An event larger than {@code maxBytes} is still queued when no other event is
 * queued, so one large observation cannot disconnect a subscriber that keeps up.
 *
 * <p>A subscriber whose oldest queued item waited longer than {@code maxLagTime}, or that is more than
 * {@code maxLagEvents} sequence numbers behind the newest event offered, is disconnected as well; both
 * are checked on each {@link #offer}. Disconnecting clears the queue and leaves one terminal
 * {@link StreamNotice.Disconnected} notice. Memory stays bounded: at most {@code maxEvents} events, and
 * {@link #queuedBytes()} at most {@code maxBytes} (or the one large event above) plus one drop notice,
 * because notices are never adjacent.
 *
 * <p>This queue is hand-written because Reactor's {@code onBackpressureBuffer} strategies drop or fail
 * without coalescing, counting bytes, keeping must-deliver events or announcing what they dropped.
 * Its methods are thread-safe. They hold the queue's lock only for work bounded by {@code maxEvents},
 * and call no subscriber code under it, so the producer never waits for the writer.
 */
public final class SubscriberQueue {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriberQueue.class);

    private final String runId;
    private final BackpressurePolicy policy;
    private final Clock clock;
    private final Runnable onAvailable;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private int queuedEvents;
    private long queuedBytes;
    private boolean started;
    private long lastOffered;
    private long lastDelivered;
    private long droppedEvents;
    private boolean closed;
    private boolean disconnected;

    private SubscriberQueue(String runId, BackpressurePolicy policy, Clock clock, Runnable onAvailable) {
        this.runId = Objects.requireNonNull(runId, "runId");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.onAvailable = Objects.requireNonNull(onAvailable, "onAvailable");
    }

    /** Creates a queue for one subscriber of the run. */
    public static SubscriberQueue create(String runId, BackpressurePolicy policy, Clock clock) {
        return new SubscriberQueue(runId, policy, clock, () -> { });
    }

    /**
     * Creates a queue that runs {@code onAvailable} after each call that queued an item or ended the
     * stream, outside the queue's lock: a writer thread waits for it instead of polling in a loop.
     */
    public static SubscriberQueue create(String runId, BackpressurePolicy policy, Clock clock, Runnable onAvailable) {
        return new SubscriberQueue(runId, policy, clock, onAvailable);
    }

    /**
     * Streams the source's events to one subscriber through a queue under the policy. The source is
     * requested without limit, so it never waits, and the returned stream honours its subscriber's
     * demand. It ends after a terminal event or notice, or when the source completes; a source error
     * becomes a terminal {@link StreamNotice.StreamFailed} notice. Cancelling it cancels the source.
     *
     * <p>NOTE: the source's backlog arrives at once as well. A stream resumed far behind, whose backlog
     * holds more must-deliver events or bytes than the buffer allows, is disconnected at once; size the
     * buffer for the runs served, or replay such a backlog from the event log with backpressure first.
     */
    public static Flux<StreamItem> attach(String runId, Flux<AgentEvent> source, BackpressurePolicy policy, Clock clock) {
        Objects.requireNonNull(source, "source");
        return Flux.create(sink -> {
            Drain drain = new Drain(sink);
            SubscriberQueue queue = create(runId, policy, clock, drain::run);
            drain.queue = queue;
            Disposable subscription = source.subscribe(queue::offer, queue::fail, queue::complete);
            sink.onRequest(requested -> drain.run());
            sink.onDispose(subscription::dispose);
            drain.run();
        }, FluxSink.OverflowStrategy.ERROR);
    }

    /**
     * Offers the next event of the run. Never waits: the event is queued, coalesced, dropped with a
     * notice, or ends the stream by disconnecting the subscriber.
     *
     * @return true if the event was queued or coalesced into a queued event, false if it was dropped,
     *     the subscriber was disconnected, or the stream had already ended
     */
    public boolean offer(AgentEvent event) {
        Objects.requireNonNull(event, "event");
        boolean queued;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (!started) {
                started = true;
                lastDelivered = event.sequence() - 1;
            }
            lastOffered = event.sequence();
            long now = clock.millis();
            String lag = lagViolation(now);
            if (lag != null) {
                disconnect(StreamNotice.Disconnected.REASON_TOO_FAR_BEHIND, lag, now);
                queued = false;
            } else {
                queued = enqueue(event, now);
                if (event.terminal()) {
                    closed = true;
                }
            }
        }
        onAvailable.run();
        return queued;
    }

    /** Removes and returns the next item, or returns null when none is queued. */
    public synchronized StreamItem poll() {
        Entry entry = entries.pollFirst();
        if (entry == null) {
            return null;
        }
        queuedBytes -= entry.bytes;
        if (entry.item instanceof StreamItem.Event(AgentEvent event)) {
            queuedEvents--;
            lastDelivered = event.sequence();
        }
        return entry.item;
    }

    /** Marks the end of the source: no event follows, and the stream ends once the queue is drained. */
    public void complete() {
        synchronized (this) {
            closed = true;
        }
        onAvailable.run();
    }

    /**
     * Ends the stream after the queued items with a terminal {@link StreamNotice.StreamFailed} notice,
     * because the source failed. Ignored once the stream has ended.
     */
    public void fail(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            long lastSequence = lastQueuedOrDeliveredSequence();
            LOG.warn("The event stream of run {} failed after sequence number {}", runId, lastSequence, failure);
            StreamNotice notice = StreamNotice.StreamFailed.of(runId, failure, lastSequence);
            add(new Entry(notice, EventSizes.estimateBytes(notice), clock.millis()));
        }
        onAvailable.run();
    }

    /** Whether the stream has ended and every item has been taken. */
    public synchronized boolean finished() {
        return closed && entries.isEmpty();
    }

    /** Whether the subscriber was disconnected for falling behind. */
    public synchronized boolean disconnected() {
        return disconnected;
    }

    /** The number of events queued, notices not included. */
    public synchronized int queuedEvents() {
        return queuedEvents;
    }

    /** The estimated heap of the queued events and notices, in bytes. */
    public synchronized long queuedBytes() {
        return queuedBytes;
    }

    /** The number of events dropped for this subscriber so far, each announced by a notice. */
    public synchronized long droppedEvents() {
        return droppedEvents;
    }

    /** The sequence number of the last event taken by {@link #poll}, 0 before the first. */
    public synchronized long lastDeliveredSequence() {
        return lastDelivered;
    }

    // Called with the lock held. Returns whether the event was queued or coalesced.
    private boolean enqueue(AgentEvent event, long now) {
        long size = EventSizes.estimateBytes(event);
        if (fits(size) || queuedEvents == 0) {
            add(new Entry(StreamItem.of(event), size, now));
            return true;
        }
        if (event instanceof Token || event instanceof Thought) {
            if (policy.tokenOverflow() == TokenOverflow.COALESCE) {
                compact();
                if (coalesceIntoTail(event) || tryAdd(event, size, now)) {
                    return true;
                }
            }
            dropIncoming(event, now);
            return false;
        }
        if (event instanceof Progress) {
            removeQueuedProgress();
            makeRoom(size);
            if (tryAdd(event, size, now)) {
                return true;
            }
            dropIncoming(event, now);
            return false;
        }
        makeRoom(size);
        if (tryAdd(event, size, now)) {
            return true;
        }
        disconnect(StreamNotice.Disconnected.REASON_BUFFER_FULL, "the buffer of " + queuedEvents + " events and "
                + queuedBytes + " bytes is full of events that must be delivered (limits " + policy.maxEvents()
                + " events, " + policy.maxBytes() + " bytes), so event " + event.sequence() + " (" + event.type()
                + ", " + size + " bytes) did not fit", now);
        return false;
    }

    private boolean fits(long size) {
        return queuedEvents < policy.maxEvents() && queuedBytes + size <= policy.maxBytes();
    }

    private boolean tryAdd(AgentEvent event, long size, long now) {
        if (fits(size) || queuedEvents == 0) {
            add(new Entry(StreamItem.of(event), size, now));
            return true;
        }
        return false;
    }

    private void add(Entry entry) {
        entries.addLast(entry);
        queuedBytes += entry.bytes;
        if (entry.item instanceof StreamItem.Event) {
            queuedEvents++;
        }
    }

    // Joins the event into the last queued event if both are tokens, or both thoughts, and the result fits.
    private boolean coalesceIntoTail(AgentEvent event) {
        Entry tail = entries.peekLast();
        if (tail == null || !(tail.item instanceof StreamItem.Event(AgentEvent last))) {
            return false;
        }
        AgentEvent joined = join(last, event);
        if (joined == null) {
            return false;
        }
        long joinedSize = EventSizes.estimateBytes(joined);
        if (queuedBytes - tail.bytes + joinedSize > policy.maxBytes()) {
            return false;
        }
        queuedBytes += joinedSize - tail.bytes;
        tail.item = StreamItem.of(joined);
        tail.bytes = joinedSize;
        return true;
    }

    // Joins each run of adjacent queued tokens, and of adjacent queued thoughts, into one event.
    private void compact() {
        List<Entry> compacted = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            Entry previous = compacted.isEmpty() ? null : compacted.getLast();
            if (previous != null && previous.item instanceof StreamItem.Event(AgentEvent earlier)
                    && entry.item instanceof StreamItem.Event(AgentEvent later)) {
                AgentEvent joined = join(earlier, later);
                if (joined != null) {
                    previous.item = StreamItem.of(joined);
                    previous.bytes = EventSizes.estimateBytes(joined);
                    continue;
                }
            }
            compacted.add(entry);
        }
        rebuild(compacted);
    }

    private void removeQueuedProgress() {
        List<Entry> kept = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            if (!(entry.item instanceof StreamItem.Event(Progress ignored))) {
                kept.add(entry);
            }
        }
        rebuild(kept);
    }

    // Coalesces (under COALESCE), then drops queued tokens, thoughts and progress events, oldest first,
    // until an event of the given size fits. Each dropped event becomes part of a notice in its place.
    private void makeRoom(long size) {
        if (policy.tokenOverflow() == TokenOverflow.COALESCE) {
            compact();
        }
        if (fits(size)) {
            return;
        }
        List<Entry> kept = new ArrayList<>(entries.size());
        boolean roomMade = false;
        for (Entry entry : entries) {
            if (!roomMade && entry.item instanceof StreamItem.Event(AgentEvent event) && droppable(event)) {
                queuedEvents--;
                queuedBytes -= entry.bytes;
                droppedEvents++;
                addDropNotice(kept, event.sequence(), entry.enqueuedAtMillis);
                roomMade = fits(size);
                continue;
            }
            Entry previous = kept.isEmpty() ? null : kept.getLast();
            if (previous != null && previous.item instanceof StreamNotice.EventsDropped earlier
                    && entry.item instanceof StreamNotice.EventsDropped later) {
                previous.item = earlier.merge(later);
                queuedBytes -= entry.bytes;
                continue;
            }
            kept.add(entry);
        }
        entries.clear();
        entries.addAll(kept);
    }

    private void dropIncoming(AgentEvent event, long now) {
        droppedEvents++;
        List<Entry> tail = new ArrayList<>(1);
        Entry last = entries.peekLast();
        if (last != null && last.item instanceof StreamNotice.EventsDropped) {
            tail.add(entries.pollLast());
        }
        addDropNotice(tail, event.sequence(), now);
        entries.addAll(tail);
    }

    // Adds a dropped sequence number to the notice at the end of the list, or appends a new notice.
    private void addDropNotice(List<Entry> list, long sequence, long now) {
        Entry last = list.isEmpty() ? null : list.getLast();
        if (last != null && last.item instanceof StreamNotice.EventsDropped notice) {
            last.item = notice.plus(sequence);
            return;
        }
        StreamNotice notice = new StreamNotice.EventsDropped(runId, sequence, sequence, 1,
                StreamNotice.EventsDropped.REASON_BUFFER_FULL);
        long bytes = EventSizes.estimateBytes(notice);
        list.add(new Entry(notice, bytes, now));
        queuedBytes += bytes;
    }

    private void rebuild(List<Entry> kept) {
        entries.clear();
        queuedEvents = 0;
        queuedBytes = 0;
        for (Entry entry : kept) {
            add(entry);
        }
    }

    private String lagViolation(long now) {
        long behind = lastOffered - lastDelivered;
        if (behind > policy.maxLagEvents()) {
            return "the subscriber is " + behind + " events behind the newest event, more than the limit of "
                    + policy.maxLagEvents();
        }
        Duration maxLagTime = policy.maxLagTime();
        Entry oldest = entries.peekFirst();
        if (maxLagTime != null && oldest != null && now - oldest.enqueuedAtMillis > maxLagTime.toMillis()) {
            return "the oldest queued item has waited " + (now - oldest.enqueuedAtMillis)
                    + " ms, longer than the limit of " + maxLagTime.toMillis() + " ms";
        }
        return null;
    }

    private void disconnect(String reason, String message, long now) {
        LOG.info("Subscriber of run {} disconnected ({}): {}; it may resume after sequence number {}",
                runId, reason, message, lastDelivered);
        entries.clear();
        queuedEvents = 0;
        queuedBytes = 0;
        closed = true;
        disconnected = true;
        StreamNotice notice = new StreamNotice.Disconnected(runId, reason, message, lastDelivered);
        add(new Entry(notice, EventSizes.estimateBytes(notice), now));
    }

    // The sequence number of the last event the subscriber will have received when it reaches the end of the queue.
    private long lastQueuedOrDeliveredSequence() {
        var iterator = entries.descendingIterator();
        while (iterator.hasNext()) {
            if (iterator.next().item instanceof StreamItem.Event(AgentEvent event)) {
                return event.sequence();
            }
        }
        return lastDelivered;
    }

    private static boolean droppable(AgentEvent event) {
        return event instanceof Token || event instanceof Thought || event instanceof Progress;
    }

    // Returns one event with the text of both, numbered and timed as the later, or null if they differ in kind.
    private static AgentEvent join(AgentEvent earlier, AgentEvent later) {
        if (earlier instanceof Token first && later instanceof Token second && first.runId().equals(second.runId())) {
            return new Token(second.runId(), second.sequence(), second.timestamp(), first.text() + second.text());
        }
        if (earlier instanceof Thought first && later instanceof Thought second && first.runId().equals(second.runId())) {
            return new Thought(second.runId(), second.sequence(), second.timestamp(), first.text() + second.text());
        }
        return null;
    }

    /** A queued item with its estimated size and the time it was queued, in clock milliseconds. */
    private static final class Entry {
        private StreamItem item;
        private long bytes;
        private final long enqueuedAtMillis;

        Entry(StreamItem item, long bytes, long enqueuedAtMillis) {
            this.item = item;
            this.bytes = bytes;
            this.enqueuedAtMillis = enqueuedAtMillis;
        }
    }

    /**
     * Moves items from the queue to the sink as the subscriber requests them. {@code run} may be called
     * from any thread: the work-in-progress counter lets one thread at a time emit, so items leave in order.
     */
    private static final class Drain {
        private final FluxSink<StreamItem> sink;
        private final AtomicInteger wip = new AtomicInteger();
        private SubscriberQueue queue;
        private boolean done;

        Drain(FluxSink<StreamItem> sink) {
            this.sink = sink;
        }

        void run() {
            if (queue == null || wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                while (!done && !sink.isCancelled() && sink.requestedFromDownstream() > 0) {
                    StreamItem item = queue.poll();
                    if (item == null) {
                        break;
                    }
                    sink.next(item);
                }
                if (!done && !sink.isCancelled() && queue.finished()) {
                    done = true;
                    sink.complete();
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}
