package dev.agentforge.server;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.EventCodec;
import dev.agentforge.transport.SseEncoder;
import dev.agentforge.transport.SseEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * One open SSE response: it writes a run's events to the response output stream until the run's
 * terminal event, the client disconnects, or the server stops.
 *
 * <p>The request's own thread does all writing. It requests one event at a time from the run's
 * stream, and the next only after the previous one is written and flushed. So a slow client holds
 * back its own stream and nothing else. While no event arrives for
 * the heartbeat interval, the thread writes a {@code : keep-alive} comment, which also detects a
 * client that has gone: the write fails, and the subscription is cancelled.
 */
final class SseSession {

    private static final Logger LOG = LoggerFactory.getLogger(SseSession.class);
    private static final String HEARTBEAT = SseEncoder.comment("keep-alive");

    /** A signal to the writing thread: an event, the end of the stream, or a stop. */
    private sealed interface Signal {
    }

    private record Next(AgentEvent event) implements Signal {
    }

    private record Complete() implements Signal {
    }

    private record Failed(Throwable error) implements Signal {
    }

    private record Stop(String reason) implements Signal {
    }

    private final String runId;
    private final OutputStream out;
    private final Duration heartbeat;
    private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private final Subscriber subscriber = new Subscriber();
    private final Consumer<AgentEvent> eventWritten;

    SseSession(String runId, OutputStream out, Duration heartbeat, Consumer<AgentEvent> eventWritten) {
        this.runId = runId;
        this.out = out;
        this.heartbeat = heartbeat;
        this.eventWritten = eventWritten;
    }

    /** Asks the writing thread to end the stream, which it does after its current write. */
    void stop(String reason) {
        signals.add(new Stop(reason));
    }

    /**
     * Writes the {@code retry} field, then each event of {@code events}, until the stream ends.
     * Returns normally in every case. A failed write means that the client has gone, and is logged.
     */
    void run(Flux<AgentEvent> events, long retryMillis) {
        try {
            write(SseEncoder.retry(retryMillis));
            events.subscribe(subscriber);
            pump();
        } catch (IOException e) {
            LOG.info("SSE stream of run {} closed: the client disconnected ({})", runId, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.info("SSE stream of run {} closed: its thread was interrupted", runId);
        } finally {
            subscriber.dispose();
        }
    }

    private void pump() throws IOException, InterruptedException {
        long heartbeatMillis = Math.max(1, heartbeat.toMillis());
        while (true) {
            Signal signal = signals.poll(heartbeatMillis, TimeUnit.MILLISECONDS);
            switch (signal) {
                case null -> write(HEARTBEAT);
                case Next next -> {
                    writeEvent(next.event());
                    if (next.event().terminal()) {
                        return;
                    }
                    subscriber.requestNext();
                }
                case Complete complete -> {
                    return;
                }
                case Failed failed -> {
                    LOG.error("SSE stream of run {} failed while reading the run's events", runId, failed.error());
                    return;
                }
                case Stop stop -> {
                    LOG.info("SSE stream of run {} closed: {}", runId, stop.reason());
                    return;
                }
            }
        }
    }

    private void writeEvent(AgentEvent event) throws IOException {
        String id = event.runId() + ":" + event.sequence();
        write(SseEncoder.encode(new SseEvent(id, event.type(), EventCodec.toJson(event), null)));
        eventWritten.accept(event);
    }

    private void write(String block) throws IOException {
        out.write(block.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Moves the run's events into the signal queue, one requested event at a time. */
    private final class Subscriber extends BaseSubscriber<AgentEvent> {

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(1);
        }

        @Override
        protected void hookOnNext(AgentEvent event) {
            signals.add(new Next(event));
        }

        @Override
        protected void hookOnComplete() {
            signals.add(new Complete());
        }

        @Override
        protected void hookOnError(Throwable error) {
            signals.add(new Failed(error));
        }

        void requestNext() {
            request(1);
        }
    }
}
