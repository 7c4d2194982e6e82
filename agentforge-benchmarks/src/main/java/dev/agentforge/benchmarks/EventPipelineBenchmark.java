package dev.agentforge.benchmarks;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.EventCodec;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import dev.agentforge.event.Token;
import dev.agentforge.event.Usage;
import dev.agentforge.transport.InMemoryEventLog;
import dev.agentforge.transport.SseEncoder;
import dev.agentforge.transport.SseEvent;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * Events through the standard pipeline of a run: a producer appends a run's events to an
 * {@link InMemoryEventLog}, each subscriber reads them from {@code EventLog.stream(0)}, and writes each
 * one as an SSE block ({@link EventCodec#toJson} inside {@link SseEncoder#encode}, then UTF-8) into a
 * byte sink that only counts, with no network.
 *
 * <p>One operation is one whole run of {@value #RUN_EVENTS} events ({@code run_started}, one-word
 * {@code token} events and {@code run_completed}) delivered to every subscriber. The subscribers
 * subscribe before the first event and request one event at a time, as the server's SSE session does.
 * Every {@code append} drains the subscribers on the producer's thread, so the score is the pipeline's
 * CPU cost, without the hand-off to a writer thread per client that the server adds.
 *
 * <ul>
 * <li>{@code jsonPerSubscriber}: each subscriber encodes each event itself, as the server does today.
 * <li>{@code jsonOncePerEvent}: the subscribers share the SSE bytes of the event they are handed, so
 *     each event is encoded once however many subscribers there are. The server does not do this. The
 *     benchmark shows what it would save.
 * </ul>
 *
 * <p>The {@code events} counter is the events delivered to all subscribers per second, and
 * {@code bytes} the SSE bytes they wrote per second. Each operation checks that every subscriber got
 * every event and the end of the stream.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class EventPipelineBenchmark {

    /** The events of one run: {@code run_started}, {@value #TOKENS} tokens and {@code run_completed}. */
    static final int RUN_EVENTS = 64;
    static final int TOKENS = RUN_EVENTS - 2;

    private static final String[] WORDS = {" The", " answer", " is", " forty", " two,", " as", " computed", " earlier."};

    @Param({"1", "100", "10000"})
    int subscribers;

    private String answer;
    private long runNumber;
    // The SSE bytes of the last event encoded for jsonOncePerEvent. Only the benchmark thread writes
    // here, because every append drains the subscribers on the appending thread.
    private AgentEvent sharedEvent;
    private byte[] sharedBlock;

    /** The events and SSE bytes delivered, summed over subscribers. JMH reports them per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Delivered {
        public long events;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            events = 0;
            bytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < TOKENS; i++) {
            text.append(WORDS[i % WORDS.length]);
        }
        answer = text.toString().strip();
    }

    @Benchmark
    public long jsonPerSubscriber(Delivered delivered) {
        return runPipeline(delivered, false);
    }

    @Benchmark
    public long jsonOncePerEvent(Delivered delivered) {
        return runPipeline(delivered, true);
    }

    private long runPipeline(Delivered delivered, boolean shareEncoding) {
        String runId = "run_" + runNumber++;
        InMemoryEventLog log = new InMemoryEventLog(runId);
        SseWriter[] writers = new SseWriter[subscribers];
        for (int i = 0; i < subscribers; i++) {
            writers[i] = new SseWriter(shareEncoding);
            log.stream(0).subscribe(writers[i]);
        }

        long sequence = 0;
        log.append(new RunStarted(runId, ++sequence, Instant.now(), "Say the answer", "scripted", null, "anonymous"));
        for (int i = 0; i < TOKENS; i++) {
            log.append(new Token(runId, ++sequence, Instant.now(), WORDS[i % WORDS.length]));
        }
        log.append(new RunCompleted(runId, ++sequence, Instant.now(), answer, new Usage(3, TOKENS, 3 + TOKENS)));
        log.close();

        long bytes = 0;
        for (SseWriter writer : writers) {
            writer.check();
            bytes += writer.sink.bytes;
        }
        delivered.events += (long) RUN_EVENTS * subscribers;
        delivered.bytes += bytes;
        sharedEvent = null;
        sharedBlock = null;
        return bytes;
    }

    // The SSE block the server's SseSession writes for an event: id "runId:sequence", the event type
    // and the event's JSON as data.
    private static byte[] sseBlock(AgentEvent event) {
        String id = event.runId() + ":" + event.sequence();
        return SseEncoder.encode(new SseEvent(id, event.type(), EventCodec.toJson(event), null))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A byte sink that counts what is written and keeps a checksum, so the bytes must be produced. */
    static final class CountingSink extends OutputStream {
        long bytes;
        int checksum;

        @Override
        public void write(int b) {
            bytes++;
            checksum = 31 * checksum + b;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) {
            bytes += length;
            if (length > 0) {
                checksum = 31 * checksum + buffer[offset + length - 1];
            }
        }
    }

    /** One subscriber: requests one event, writes its SSE block to the sink, then requests the next. */
    private final class SseWriter extends BaseSubscriber<AgentEvent> {
        final CountingSink sink = new CountingSink();
        private final boolean shareEncoding;
        private long received;
        private boolean completed;
        private Throwable error;

        SseWriter(boolean shareEncoding) {
            this.shareEncoding = shareEncoding;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(1);
        }

        @Override
        protected void hookOnNext(AgentEvent event) {
            byte[] block;
            if (!shareEncoding) {
                block = sseBlock(event);
            } else {
                if (sharedEvent != event) {
                    sharedEvent = event;
                    sharedBlock = sseBlock(event);
                }
                block = sharedBlock;
            }
            sink.write(block, 0, block.length);
            received++;
            request(1);
        }

        @Override
        protected void hookOnComplete() {
            completed = true;
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            error = throwable;
        }

        void check() {
            if (error != null) {
                throw new IllegalStateException("A subscriber's stream failed", error);
            }
            if (received != RUN_EVENTS || !completed) {
                throw new IllegalStateException("A subscriber received " + received + " of " + RUN_EVENTS
                        + " events" + (completed ? "" : " and no end of stream"));
            }
        }
    }
}
