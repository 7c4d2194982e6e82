package dev.agentforge.examples.streams;

import dev.agentforge.event.Action;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import dev.agentforge.event.Token;
import dev.agentforge.event.Usage;
import dev.agentforge.stream.AgentStreams;
import dev.agentforge.stream.BackpressurePolicy;
import dev.agentforge.stream.BackpressurePolicy.TokenOverflow;
import dev.agentforge.stream.StreamItem;
import dev.agentforge.stream.StreamNotice;
import dev.agentforge.stream.SubscriberQueue;
import dev.agentforge.stream.TokenBoundary;
import dev.agentforge.transport.SseEncoder;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * Shaping a run's token stream for a slow client. The run streams 300 one-word tokens around a tool call.
 * First the tokens are coalesced at sentence ends into fewer, larger frames. Then two subscribers that
 * read nothing until the run ends get a queue of 32 events each. Under the COALESCE policy the queue
 * joins tokens and drops nothing. Under the DROP policy it drops tokens and sends an
 * {@code events_dropped} notice with the range of sequence numbers to fetch again. The tool call and the final
 * answer reach both.
 */
public final class SlowClientExample {

    private static final String RUN_ID = "run_slow_client";
    private static final int TOKENS = 300;

    /** The counts and the first drop notice that the parts of the example produced. */
    public record Result(int coalescedFrames, int coalescePolicyItems, long coalescePolicyDropped,
            int dropPolicyItems, StreamNotice.EventsDropped firstDropNotice) {
    }

    private SlowClientExample() {
    }

    public static void main(String[] args) {
        run(System.out);
    }

    /** Runs the three parts, prints what the client receives, and returns the counts. */
    public static Result run(PrintStream out) {
        List<AgentEvent> events = runEvents();

        List<AgentEvent> frames = Flux.fromIterable(events)
                .transform(AgentStreams.coalesceTokens(120, TokenBoundary.SENTENCE))
                .collectList()
                .block();
        long frameTokens = frames.stream().filter(Token.class::isInstance).count();
        out.println("coalescing: " + TOKENS + " tokens sent as " + frameTokens + " frames, one per sentence of up to 120 chars");

        BackpressurePolicy policy = BackpressurePolicy.defaults().withBuffer(32, 64 * 1024);
        List<StreamItem> coalesced = slowSubscriber(events, policy.withTokenOverflow(TokenOverflow.COALESCE));
        long coalesceDropped = coalesced.stream().filter(StreamNotice.EventsDropped.class::isInstance).count();
        out.println("COALESCE policy: " + events.size() + " events reach the slow client as " + coalesced.size()
                + " items, with " + coalesceDropped + " drop notices");

        List<StreamItem> dropped = slowSubscriber(events, policy.withTokenOverflow(TokenOverflow.DROP));
        out.println("DROP policy: " + events.size() + " events reach the slow client as " + dropped.size()
                + " items; all but the token events:");
        StreamNotice.EventsDropped firstNotice = null;
        for (StreamItem item : dropped) {
            switch (item) {
                case StreamItem.Event(Token token) -> {
                    // Tokens are many and alike; the notices show which ones were dropped.
                }
                case StreamItem.Event(AgentEvent event) -> out.println("  " + event.type() + " " + event.sequence());
                case StreamNotice notice -> {
                    if (firstNotice == null && notice instanceof StreamNotice.EventsDropped drop) {
                        firstNotice = drop;
                    }
                    out.print(indent(SseEncoder.encode(notice.toSse())));
                }
            }
        }
        return new Result((int) frameTokens, coalesced.size(), coalesceDropped, dropped.size(), firstNotice);
    }

    // Offers every event before the client reads any, as when the client's connection stalls.
    private static List<StreamItem> slowSubscriber(List<AgentEvent> events, BackpressurePolicy policy) {
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        SubscriberQueue queue = SubscriberQueue.create(RUN_ID, policy, clock);
        events.forEach(queue::offer);
        List<StreamItem> items = new ArrayList<>();
        for (StreamItem item = queue.poll(); item != null; item = queue.poll()) {
            items.add(item);
        }
        return items;
    }

    // run_started, 150 tokens, a tool call and its result, 150 more tokens, done. Every tenth token ends a sentence.
    private static List<AgentEvent> runEvents() {
        List<AgentEvent> events = new ArrayList<>();
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        events.add(new RunStarted(RUN_ID, 1, start, "Summarize the report", "scripted", null, "anonymous"));
        for (int word = 0; word < TOKENS; word++) {
            if (word == TOKENS / 2) {
                long sequence = events.size() + 1;
                events.add(new Action(RUN_ID, sequence, start.plusMillis(sequence), "call_1", "lookup", "{\"id\":7}"));
                events.add(new Observation(RUN_ID, sequence + 1, start.plusMillis(sequence + 1), "call_1", "lookup",
                        "{\"name\":\"report 7\"}", null, 12));
            }
            long sequence = events.size() + 1;
            String text = word % 10 == 9 ? "word" + word + ". " : "word" + word + " ";
            events.add(new Token(RUN_ID, sequence, start.plusMillis(sequence), text));
        }
        long last = events.size() + 1;
        events.add(new RunCompleted(RUN_ID, last, start.plusMillis(last), "summary", Usage.ZERO));
        return events;
    }

    private static String indent(String block) {
        return block.lines().map(line -> line.isEmpty() ? "\n" : "  " + line + "\n").reduce("", String::concat);
    }
}
