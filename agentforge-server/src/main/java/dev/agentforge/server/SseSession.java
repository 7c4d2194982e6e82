package dev.agentforge.server;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.EventCodec;
import dev.agentforge.stream.BackpressurePolicy;
import dev.agentforge.stream.StreamItem;
import dev.agentforge.stream.StreamNotice;
import dev.agentforge.transport.EventFeed;
import dev.agentforge.transport.EventLog;
import dev.agentforge.transport.SseEncoder;
import dev.agentforge.transport.SseEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open SSE response: it writes a run's events to the response output stream until the run's
 * terminal event, a terminal notice, a failed write, or a stop.
 *
 * <p>The request's own thread does all writing, through an {@link EventFeed}: it reads the backlog
 * from the run's event log at its own pace, then takes live events from a bounded queue that the
 * appending thread fills without waiting. So a slow client holds back only its own stream, and its
 * queue drops or coalesces events, with notices, instead of growing. Events are written with an
 * {@code id} line, notices without one, and the stream is flushed after every block. While nothing is
 * written for the heartbeat interval, the thread writes a {@code : keep-alive} comment, which also
 * detects a client that has gone: the write fails, and the session ends.
 */
final class SseSession {

    private static final Logger LOG = LoggerFactory.getLogger(SseSession.class);
    private static final byte[] HEARTBEAT = SseEncoder.comment("keep-alive").getBytes(StandardCharsets.UTF_8);

    /** Counters that the session reports to. */
    record Listener(Consumer<AgentEvent> eventWritten, LongConsumer eventsDropped, Runnable disconnected) {
    }

    /** How a session ended. */
    enum End {
        /** The run's terminal event, or a terminal notice, was written. */
        COMPLETED,
        /** A write failed: the client has gone, or stopped reading for longer than the write timeout. */
        CLIENT_GONE,
        /** {@link #stop} was called, such as by the server stopping. */
        STOPPED,
        /** The writing thread was interrupted. */
        INTERRUPTED
    }

    private final String runId;
    private final OutputStream out;
    private final Duration heartbeat;
    private final Listener listener;
    private final Semaphore wakeups = new Semaphore(0);
    private volatile String stopReason;
    private volatile EventFeed feed;

    SseSession(String runId, OutputStream out, Duration heartbeat, Listener listener) {
        this.runId = runId;
        this.out = out;
        this.heartbeat = heartbeat;
        this.listener = listener;
    }

    /**
     * Asks the writing thread to end the stream, which it does after its current write: it writes the
     * {@code retry} field and the reason as a comment, then ends the response.
     */
    void stop(String reason) {
        stopReason = reason;
        wakeups.release();
    }

    /** The highest estimated bytes the live queue held so far, 0 before the stream turned live. */
    long maxQueuedBytes() {
        EventFeed current = feed;
        return current == null ? 0 : current.maxQueuedBytes();
    }

    /**
     * Writes the {@code retry} field, then the run's items after {@code afterSequence}, until the stream
     * ends. Returns how it ended. A failed write means that the client has gone, and is logged.
     */
    End run(EventLog log, long afterSequence, long retryMillis, BackpressurePolicy policy, Clock clock) {
        EventFeed current = EventFeed.open(log, afterSequence, policy, clock, new EventFeed.Listener() {
            @Override
            public void onAvailable() {
                wakeups.release();
            }

            @Override
            public void onDropped(long count) {
                listener.eventsDropped().accept(count);
            }

            @Override
            public void onDisconnected() {
                listener.disconnected().run();
            }
        });
        feed = current;
        try {
            byte[] retry = SseEncoder.retry(retryMillis).getBytes(StandardCharsets.UTF_8);
            write(retry);
            return pump(current, retry);
        } catch (IOException e) {
            LOG.info("SSE stream of run {} closed: the client disconnected or stopped reading ({})", runId,
                    e.toString());
            return End.CLIENT_GONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.info("SSE stream of run {} closed: its thread was interrupted", runId);
            return End.INTERRUPTED;
        } finally {
            current.close();
        }
    }

    private End pump(EventFeed current, byte[] retry) throws IOException, InterruptedException {
        long heartbeatNanos = Math.max(1, heartbeat.toNanos());
        long lastWrite = System.nanoTime();
        while (true) {
            String reason = stopReason;
            if (reason != null) {
                // The retry field again sets the reconnection time for the client's reconnect, and the
                // comment records why the stream ended.
                write(retry);
                write(SseEncoder.comment(reason).getBytes(StandardCharsets.UTF_8));
                LOG.info("SSE stream of run {} closed: {}", runId, reason);
                return End.STOPPED;
            }
            StreamItem item = current.poll();
            if (item != null) {
                writeItem(item);
                lastWrite = System.nanoTime();
                if (item.terminal()) {
                    return End.COMPLETED;
                }
                continue;
            }
            if (current.finished()) {
                return End.COMPLETED;
            }
            long idle = System.nanoTime() - lastWrite;
            if (idle >= heartbeatNanos) {
                write(HEARTBEAT);
                lastWrite = System.nanoTime();
                continue;
            }
            if (wakeups.tryAcquire(heartbeatNanos - idle, TimeUnit.NANOSECONDS)) {
                wakeups.drainPermits();
            }
        }
    }

    private void writeItem(StreamItem item) throws IOException {
        switch (item) {
            case StreamItem.Event(AgentEvent event) -> {
                String id = event.runId() + ":" + event.sequence();
                write(SseEncoder.encode(new SseEvent(id, event.type(), EventCodec.toJson(event), null))
                        .getBytes(StandardCharsets.UTF_8));
                listener.eventWritten().accept(event);
            }
            case StreamNotice notice -> {
                if (notice.terminal()) {
                    LOG.info("SSE stream of run {} ends with notice {}: {}", runId, notice.type(), notice.toJson());
                }
                write(SseEncoder.encode(notice.toSse()).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void write(byte[] block) throws IOException {
        out.write(block);
        out.flush();
    }
}
