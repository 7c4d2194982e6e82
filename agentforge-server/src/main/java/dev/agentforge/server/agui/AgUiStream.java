package dev.agentforge.server.agui;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.EventCodec;
import dev.agentforge.transport.SseEncoder;
import dev.agentforge.transport.SseEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BaseSubscriber;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes one run's events to an HTTP response as AG-UI events, in the format of the AG-UI SSE
 * encoder: one {@code data: <json>} block per event. The handler's thread does every write, and
 * the run's events reach it through a queue, one requested event at a time.
 */
final class AgUiStream {

    private static final Logger LOG = LoggerFactory.getLogger(AgUiStream.class);

    /** The code of the {@code RUN_ERROR} sent when the server ends the stream before the run's end. */
    static final String STREAM_CLOSED_CODE = "stream_closed";

    private static final String HEARTBEAT = SseEncoder.comment("keep-alive");

    private sealed interface Signal permits Next, Complete, Failed, Stop {
    }

    private record Next(AgentEvent event) implements Signal {
    }

    private record Complete() implements Signal {
    }

    private record Failed(Throwable error) implements Signal {
    }

    private record Stop(String reason) implements Signal {
    }

    private final AgentRun run;
    private final AgUiEventMapper mapper;
    private final OutputStream out;
    private final Duration heartbeat;
    private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private final Subscriber subscriber = new Subscriber();

    AgUiStream(AgentRun run, AgUiEventMapper mapper, OutputStream out, Duration heartbeat) {
        this.run = run;
        this.mapper = mapper;
        this.out = out;
        this.heartbeat = heartbeat;
    }

    /** Asks the writing thread to end the stream with a {@code RUN_ERROR}, after its current write. */
    void stop(String reason) {
        signals.add(new Stop(reason));
    }

    /**
     * Writes the run's events until its terminal event. Returns normally in every case. When the
     * client disconnects before the run ends, the run is cancelled, because an AG-UI client cannot
     * resume the stream.
     */
    void run() {
        try {
            run.events().subscribe(subscriber);
            pump();
        } catch (IOException e) {
            if (run.cancel("the AG-UI client disconnected before the run ended")) {
                LOG.info("AG-UI stream of run {} closed: the client disconnected ({}), so the run was cancelled",
                        run.id(), e.toString());
            } else {
                LOG.info("AG-UI stream of run {} closed: the client disconnected ({})", run.id(), e.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.info("AG-UI stream of run {} closed: its thread was interrupted", run.id());
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
                    writeAll(mapper.map(next.event()));
                    if (mapper.finished()) {
                        return;
                    }
                    subscriber.requestNext();
                }
                case Complete complete -> {
                    // The log completes only after the terminal event, so this is a defect; the client still gets an end.
                    LOG.error("The events of run {} ended without a terminal event", run.id());
                    writeAll(mapper.abort(run.id(), STREAM_CLOSED_CODE, "The run's events ended without its last event"));
                    return;
                }
                case Failed failed -> {
                    LOG.error("AG-UI stream of run {} failed while reading the run's events", run.id(), failed.error());
                    writeAll(mapper.abort(run.id(), STREAM_CLOSED_CODE, "The server failed to read the run's events ("
                            + failed.error().getClass().getName() + "); the server log has the details"));
                    return;
                }
                case Stop stop -> {
                    LOG.info("AG-UI stream of run {} closed: {}", run.id(), stop.reason());
                    writeAll(mapper.abort(run.id(), STREAM_CLOSED_CODE, "The stream was closed before the run ended: "
                            + stop.reason() + "; read the run's outcome from GET /v1/runs/" + run.id()));
                    return;
                }
            }
        }
    }

    private void writeAll(List<ObjectNode> events) throws IOException {
        if (events.isEmpty()) {
            return;
        }
        StringBuilder block = new StringBuilder();
        for (ObjectNode event : events) {
            SseEncoder.encode(SseEvent.of(EventCodec.mapper().writeValueAsString(event)), block);
        }
        write(block.toString());
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
