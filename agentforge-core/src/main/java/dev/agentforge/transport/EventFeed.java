package dev.agentforge.transport;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.stream.BackpressurePolicy;
import dev.agentforge.stream.StreamItem;
import dev.agentforge.stream.StreamNotice;
import dev.agentforge.stream.SubscriberQueue;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * The items one client of a run receives, from a start point in the run's {@link EventLog}: first the
 * backlog, read from the log in pages at the writer's own pace, then each new event through a bounded
 * {@link SubscriberQueue}. Framework-free, so every transport's writer uses it the same way: call
 * {@link #poll} until it returns null, then wait for the {@code onAvailable} callback.
 *
 * <p>The backlog never passes through the queue, so a client that resumes far behind is not
 * disconnected for it. The feed turns live once a page comes back empty: it then subscribes to the log
 * after the last event read, so no event is skipped or repeated at the switch. When the log no longer
 * contains events the client has not received, because its retention limit trimmed them, the feed returns
 * a {@link StreamNotice.EventsLost} notice in their place.
 *
 * <p>{@link #poll} is for one writer thread. The live side calls the listener from the thread that
 * appends to the log, and never waits for the writer.
 */
public final class EventFeed implements AutoCloseable {

    /** The number of events read from the log per page of the backlog when no other size is set. */
    public static final int DEFAULT_PAGE_SIZE = 256;

    /** Callbacks of a feed. Each must return quickly, because the live ones run on the appending thread. */
    public interface Listener {

        /** Runs after the live side queued an item or ended, so the writer can poll again. */
        void onAvailable();

        /** Runs when the subscriber's queue dropped events, each announced by an {@code events_dropped} notice. */
        default void onDropped(long count) {
        }

        /** Runs once when the queue disconnected the subscriber for falling behind. */
        default void onDisconnected() {
        }
    }

    private final EventLog log;
    private final BackpressurePolicy policy;
    private final Clock clock;
    private final int pageSize;
    private final Listener listener;
    private final ArrayDeque<StreamItem> page = new ArrayDeque<>();
    private long position;
    private volatile SubscriberQueue queue;
    private LiveSubscriber live;
    private boolean finished;
    private volatile long maxQueuedBytes;
    private volatile boolean closed;

    private EventFeed(EventLog log, long afterSequence, BackpressurePolicy policy, Clock clock, int pageSize,
            Listener listener) {
        this.log = Objects.requireNonNull(log, "log");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (pageSize < 1) {
            throw new IllegalArgumentException("Invalid page size " + pageSize + ": use 1 or more");
        }
        if (afterSequence < 0) {
            throw new IllegalArgumentException("Invalid start point " + afterSequence + ": use 0 or more");
        }
        this.pageSize = pageSize;
        this.position = afterSequence;
    }

    /** Opens a feed of the events after {@code afterSequence}, 0 for the whole run. */
    public static EventFeed open(EventLog log, long afterSequence, BackpressurePolicy policy, Clock clock,
            Listener listener) {
        return new EventFeed(log, afterSequence, policy, clock, DEFAULT_PAGE_SIZE, listener);
    }

    /** Opens a feed that reads the backlog in pages of {@code pageSize} events. */
    public static EventFeed open(EventLog log, long afterSequence, BackpressurePolicy policy, Clock clock,
            int pageSize, Listener listener) {
        return new EventFeed(log, afterSequence, policy, clock, pageSize, listener);
    }

    /**
     * Returns the next item to write, or null when none is ready now. After a terminal item, or once
     * {@link #finished()} is true, nothing follows.
     */
    public StreamItem poll() {
        if (closed || finished) {
            return null;
        }
        if (queue == null) {
            StreamItem item = nextFromBacklog();
            if (item != null) {
                return item;
            }
            if (finished) {
                return null;
            }
            goLive();
        }
        StreamItem item = queue.poll();
        if (item == null && queue.finished()) {
            finished = true;
        }
        return item;
    }

    /** Whether the feed has ended: its last item was taken, or it was closed. */
    public boolean finished() {
        return finished || closed;
    }

    /** Whether the backlog has been read and new events now pass through the queue. */
    public boolean live() {
        return queue != null;
    }

    /** The estimated bytes queued for the live side now, 0 while the backlog is read. */
    public long queuedBytes() {
        SubscriberQueue current = queue;
        return current == null ? 0 : current.queuedBytes();
    }

    /** The highest value {@link #queuedBytes()} reached after any offer so far. */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /** The sequence number of the last event read from the backlog, or delivered by the queue. */
    public long position() {
        return queue == null ? position : Math.max(position, queue.lastDeliveredSequence());
    }

    /** Stops the live subscription and ends the feed. Calling it again does nothing. */
    @Override
    public void close() {
        closed = true;
        LiveSubscriber subscriber = live;
        if (subscriber != null) {
            subscriber.dispose();
        }
    }

    private StreamItem nextFromBacklog() {
        if (page.isEmpty()) {
            boolean closedBefore = log.closed();
            List<AgentEvent> events = log.after(position, pageSize);
            if (events.isEmpty()) {
                if (closedBefore && position >= log.lastSequence()) {
                    finished = true;
                }
                return null;
            }
            long first = events.getFirst().sequence();
            if (first > position + 1) {
                page.add(new StreamNotice.EventsLost(log.runId(), position + 1, first - 1,
                        StreamNotice.EventsLost.REASON_RETENTION_LIMIT));
            }
            for (AgentEvent event : events) {
                page.add(StreamItem.of(event));
            }
            position = events.getLast().sequence();
        }
        return page.poll();
    }

    private void goLive() {
        queue = SubscriberQueue.create(log.runId(), policy, clock, listener::onAvailable);
        live = new LiveSubscriber(position);
        log.stream(position).subscribe(live);
    }

    /** Offers each live event to the queue, and ends the queue with a failure on a gap in the log. */
    private final class LiveSubscriber extends BaseSubscriber<AgentEvent> {
        private long expected;
        private boolean disconnectReported;

        LiveSubscriber(long after) {
            this.expected = after + 1;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        protected void hookOnNext(AgentEvent event) {
            if (event.sequence() != expected) {
                // Only a retention limit of a few events can trim an event before a live cursor reads it.
                queue.fail(new IllegalStateException("The event log of run " + log.runId()
                        + " trimmed events " + expected + " to " + (event.sequence() - 1)
                        + " before they could be sent; resume after " + (expected - 1)));
                dispose();
                return;
            }
            expected = event.sequence() + 1;
            long droppedBefore = queue.droppedEvents();
            queue.offer(event);
            long dropped = queue.droppedEvents() - droppedBefore;
            long queued = queue.queuedBytes();
            if (queued > maxQueuedBytes) {
                maxQueuedBytes = queued;
            }
            if (dropped > 0) {
                listener.onDropped(dropped);
            }
            if (!disconnectReported && queue.disconnected()) {
                disconnectReported = true;
                listener.onDisconnected();
            }
        }

        @Override
        protected void hookOnComplete() {
            queue.complete();
        }

        @Override
        protected void hookOnError(Throwable error) {
            queue.fail(error);
        }
    }
}
