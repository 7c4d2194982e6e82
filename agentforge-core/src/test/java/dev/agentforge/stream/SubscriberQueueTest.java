package dev.agentforge.stream;

import static dev.agentforge.stream.Events.action;
import static dev.agentforge.stream.Events.completed;
import static dev.agentforge.stream.Events.observation;
import static dev.agentforge.stream.Events.progress;
import static dev.agentforge.stream.Events.started;
import static dev.agentforge.stream.Events.thought;
import static dev.agentforge.stream.Events.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.Progress;
import dev.agentforge.event.Thought;
import dev.agentforge.event.Token;
import dev.agentforge.stream.BackpressurePolicy.TokenOverflow;
import dev.agentforge.transport.SseEncoder;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class SubscriberQueueTest {

    private final TestClock time = new TestClock();

    private SubscriberQueue queue(int maxEvents, TokenOverflow overflow) {
        BackpressurePolicy policy = BackpressurePolicy.defaults().withBuffer(maxEvents, 1024 * 1024).withTokenOverflow(overflow);
        return SubscriberQueue.create(Events.RUN, policy, time);
    }

    private static List<StreamItem> drain(SubscriberQueue queue) {
        List<StreamItem> items = new ArrayList<>();
        for (StreamItem item = queue.poll(); item != null; item = queue.poll()) {
            items.add(item);
        }
        return items;
    }

    private static StreamNotice.EventsDropped dropped(long from, long to, long count) {
        return new StreamNotice.EventsDropped(Events.RUN, from, to, count, StreamNotice.EventsDropped.REASON_BUFFER_FULL);
    }

    @Test
    void eventsWithinLimitsPassInOrder() {
        SubscriberQueue queue = queue(10, TokenOverflow.DROP);
        List<AgentEvent> events = List.of(started(1), token(2, "a"), action(3), completed(4));
        events.forEach(queue::offer);

        assertThat(drain(queue)).containsExactlyElementsOf(events.stream().map(StreamItem::of).toList());
        assertThat(queue.finished()).isTrue();
        assertThat(queue.offer(token(5, "late"))).isFalse();
    }

    @Test
    void coalesceJoinsQueuedTokensWhenFull() {
        SubscriberQueue queue = queue(4, TokenOverflow.COALESCE);
        queue.offer(started(1));
        for (long sequence = 2; sequence <= 11; sequence++) {
            queue.offer(token(sequence, "t" + sequence + " "));
        }

        List<StreamItem> items = drain(queue);

        assertThat(items).hasSizeLessThanOrEqualTo(4);
        assertThat(items.getFirst()).isEqualTo(StreamItem.of(started(1)));
        String text = items.stream().skip(1)
                .map(item -> ((Token) ((StreamItem.Event) item).event()).text())
                .reduce("", String::concat);
        assertThat(text).isEqualTo("t2 t3 t4 t5 t6 t7 t8 t9 t10 t11 ");
        assertThat(((StreamItem.Event) items.getLast()).event().sequence()).isEqualTo(11);
        assertThat(queue.droppedEvents()).isZero();
    }

    @Test
    void coalesceJoinsThoughtsApartFromTokens() {
        SubscriberQueue queue = queue(2, TokenOverflow.COALESCE);
        queue.offer(thought(1, "a"));
        queue.offer(thought(2, "b"));
        queue.offer(token(3, "c"));
        queue.offer(token(4, "d"));

        assertThat(drain(queue)).containsExactly(StreamItem.of(thought(2, "ab")), StreamItem.of(token(4, "cd")));
    }

    @Test
    void dropAnnouncesRangeOfDroppedTokens() {
        SubscriberQueue queue = queue(3, TokenOverflow.DROP);
        queue.offer(started(1));
        for (long sequence = 2; sequence <= 6; sequence++) {
            queue.offer(token(sequence, "t"));
        }

        assertThat(drain(queue)).containsExactly(StreamItem.of(started(1)), StreamItem.of(token(2, "t")),
                StreamItem.of(token(3, "t")), dropped(4, 6, 3));
        assertThat(queue.droppedEvents()).isEqualTo(3);
    }

    @Test
    void mustDeliverEventEvictsOldestTokens() {
        SubscriberQueue queue = queue(3, TokenOverflow.DROP);
        queue.offer(token(1, "a"));
        queue.offer(token(2, "b"));
        queue.offer(token(3, "c"));
        queue.offer(action(4));
        queue.offer(observation(5, "42"));

        assertThat(drain(queue)).containsExactly(dropped(1, 2, 2), StreamItem.of(token(3, "c")),
                StreamItem.of(action(4)), StreamItem.of(observation(5, "42")));
    }

    @Test
    void newProgressReplacesQueuedProgress() {
        SubscriberQueue queue = queue(2, TokenOverflow.DROP);
        queue.offer(action(1));
        queue.offer(progress(2, 10));
        queue.offer(progress(3, 20));
        queue.offer(progress(4, 30));

        assertThat(drain(queue)).containsExactly(StreamItem.of(action(1)), StreamItem.of(progress(4, 30)));
        assertThat(queue.droppedEvents()).isZero();
    }

    @Test
    void bufferFullOfMustDeliverDisconnects() {
        SubscriberQueue queue = queue(2, TokenOverflow.COALESCE);
        queue.offer(started(1));
        queue.poll();
        queue.offer(action(2));
        queue.offer(observation(3, "x"));

        assertThat(queue.offer(action(4))).isFalse();

        List<StreamItem> items = drain(queue);
        assertThat(items).hasSize(1);
        StreamNotice.Disconnected notice = (StreamNotice.Disconnected) items.getFirst();
        assertThat(notice.reason()).isEqualTo(StreamNotice.Disconnected.REASON_BUFFER_FULL);
        assertThat(notice.lastSequence()).isEqualTo(1);
        assertThat(notice.message()).contains("event 4 (action");
        assertThat(queue.disconnected()).isTrue();
        assertThat(queue.finished()).isTrue();
        assertThat(queue.offer(action(5))).isFalse();
    }

    @Test
    void oldQueuedItemDisconnects() {
        BackpressurePolicy policy = BackpressurePolicy.defaults().withMaxLag(Long.MAX_VALUE, Duration.ofSeconds(10));
        SubscriberQueue queue = SubscriberQueue.create(Events.RUN, policy, time);
        queue.offer(started(1));
        time.advance(Duration.ofSeconds(10));
        assertThat(queue.offer(token(2, "a"))).isTrue();

        time.advance(Duration.ofMillis(1));
        assertThat(queue.offer(token(3, "b"))).isFalse();

        StreamNotice.Disconnected notice = (StreamNotice.Disconnected) drain(queue).getFirst();
        assertThat(notice.reason()).isEqualTo(StreamNotice.Disconnected.REASON_TOO_FAR_BEHIND);
        assertThat(notice.message()).contains("10001 ms");
    }

    @Test
    void tooManyEventsBehindDisconnects() {
        BackpressurePolicy policy = BackpressurePolicy.defaults().withTokenOverflow(TokenOverflow.DROP).withMaxLag(5, null);
        SubscriberQueue queue = SubscriberQueue.create(Events.RUN, policy, time);
        // A subscriber that resumed after sequence 100 starts with no lag.
        for (long sequence = 101; sequence <= 105; sequence++) {
            assertThat(queue.offer(token(sequence, "t"))).isTrue();
        }
        queue.poll();
        assertThat(queue.offer(token(106, "t"))).isTrue();

        assertThat(queue.offer(token(107, "t"))).isFalse();
        assertThat(queue.disconnected()).isTrue();
        StreamNotice.Disconnected notice = (StreamNotice.Disconnected) drain(queue).getFirst();
        assertThat(notice.lastSequence()).isEqualTo(101);
    }

    @Test
    void largeEventPassesEmptyQueue() {
        BackpressurePolicy policy = BackpressurePolicy.defaults().withBuffer(10, 1000);
        SubscriberQueue queue = SubscriberQueue.create(Events.RUN, policy, time);
        String big = "x".repeat(5000);

        assertThat(queue.offer(observation(1, big))).isTrue();
        assertThat(drain(queue)).containsExactly(StreamItem.of(observation(1, big)));
    }

    @Test
    void sourceFailureEndsWithStreamFailed() {
        SubscriberQueue queue = queue(10, TokenOverflow.DROP);
        queue.offer(started(1));
        queue.offer(token(2, "a"));
        queue.fail(new IOException("log read failed"));

        List<StreamItem> items = drain(queue);
        StreamNotice.StreamFailed failed = (StreamNotice.StreamFailed) items.getLast();
        assertThat(failed.lastSequence()).isEqualTo(2);
        assertThat(failed.retryable()).isTrue();
        assertThat(queue.finished()).isTrue();
    }

    @Test
    void producerNeverWaitsAndMemoryStaysBounded() {
        BackpressurePolicy policy = BackpressurePolicy.defaults().withBuffer(64, 16 * 1024).withTokenOverflow(TokenOverflow.DROP);
        SubscriberQueue queue = SubscriberQueue.create(Events.RUN, policy, time);
        long noticeBytes = EventSizes.estimateBytes(dropped(1, 1, 1));

        for (long sequence = 1; sequence <= 100_000; sequence++) {
            queue.offer(token(sequence, "word "));
            assertThat(queue.queuedEvents()).isLessThanOrEqualTo(64);
            assertThat(queue.queuedBytes()).isLessThanOrEqualTo(16 * 1024 + noticeBytes);
        }

        List<StreamItem> items = drain(queue);
        assertThat(items).hasSize(65);
        assertThat(items.getLast()).isEqualTo(dropped(65, 100_000, 100_000 - 64));
    }

    @Test
    void noticeSseFormHasNoId() {
        StreamNotice notice = dropped(4, 6, 3);

        String block = SseEncoder.encode(notice.toSse());

        assertThat(block).isEqualTo("event: events_dropped\n"
                + "data: {\"type\":\"events_dropped\",\"runId\":\"run_1\",\"fromSequence\":4,\"toSequence\":6,"
                + "\"count\":3,\"reason\":\"buffer_full\"}\n\n");
        assertThat(StreamNotice.fromJson(notice.toJson())).isEqualTo(notice);
    }

    @Test
    void attachHonoursDemandAndCoalesces() {
        Sinks.Many<AgentEvent> source = Sinks.many().multicast().directBestEffort();
        BackpressurePolicy policy = BackpressurePolicy.defaults().withBuffer(3, 1024 * 1024);

        StepVerifier.create(SubscriberQueue.attach(Events.RUN, source.asFlux(), policy, time), 0)
                .then(() -> {
                    source.tryEmitNext(started(1));
                    for (long sequence = 2; sequence <= 20; sequence++) {
                        source.tryEmitNext(token(sequence, "x"));
                    }
                    source.tryEmitNext(completed(21));
                })
                .thenRequest(10)
                .expectNext(StreamItem.of(started(1)))
                .assertNext(item -> {
                    Token joined = (Token) ((StreamItem.Event) item).event();
                    assertThat(joined.sequence()).isEqualTo(20);
                    assertThat(joined.text()).isEqualTo("x".repeat(19));
                })
                .expectNext(StreamItem.of(completed(21)))
                .verifyComplete();
    }

    @Test
    void attachTurnsSourceErrorIntoNotice() {
        Sinks.Many<AgentEvent> source = Sinks.many().unicast().onBackpressureBuffer();

        StepVerifier.create(SubscriberQueue.attach(Events.RUN, source.asFlux(), BackpressurePolicy.defaults(), time))
                .then(() -> source.tryEmitNext(started(1)))
                .expectNext(StreamItem.of(started(1)))
                .then(() -> source.tryEmitError(new IllegalStateException("broken")))
                .assertNext(item -> assertThat(item).isInstanceOf(StreamNotice.StreamFailed.class))
                .verifyComplete();
    }

    // ----- property: bounds and delivery guarantees under any mix of events and polls -----

    private record Step(String kind, int textLength, boolean poll) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<String> kinds = Arbitraries.of("token", "token", "token", "thought", "progress", "action", "observation");
        return Combinators.combine(kinds, Arbitraries.integers().between(0, 200), Arbitraries.of(false, false, false, true))
                .as(Step::new).list().ofMinSize(1).ofMaxSize(400);
    }

    @Property(tries = 300)
    void queueStaysBoundedAndDeliversMustDeliver(@ForAll("steps") List<Step> steps,
            @ForAll boolean coalesce) {
        int maxEvents = 8;
        long maxBytes = 4096;
        BackpressurePolicy policy = BackpressurePolicy.defaults().withBuffer(maxEvents, maxBytes)
                .withTokenOverflow(coalesce ? TokenOverflow.COALESCE : TokenOverflow.DROP);
        SubscriberQueue queue = SubscriberQueue.create(Events.RUN, policy, time);
        long noticeBytes = EventSizes.estimateBytes(dropped(1, 1, 1));
        List<Long> mustDeliver = new ArrayList<>();
        List<StreamItem> received = new ArrayList<>();
        long sequence = 0;

        for (Step step : steps) {
            sequence++;
            String text = "y".repeat(step.textLength());
            AgentEvent event = switch (step.kind()) {
                case "token" -> token(sequence, text);
                case "thought" -> thought(sequence, text);
                case "progress" -> progress(sequence, sequence);
                case "action" -> action(sequence);
                default -> observation(sequence, text);
            };
            queue.offer(event);
            if (!queue.disconnected() && !(event instanceof Token || event instanceof Thought || event instanceof Progress)) {
                mustDeliver.add(event.sequence());
            }
            assertThat(queue.queuedEvents()).isLessThanOrEqualTo(maxEvents);
            assertThat(queue.queuedBytes()).isLessThanOrEqualTo(maxBytes + noticeBytes);
            if (step.poll()) {
                StreamItem item = queue.poll();
                if (item != null) {
                    received.add(item);
                }
            }
        }
        received.addAll(drain(queue));

        List<Long> deliveredSequences = received.stream()
                .filter(item -> item instanceof StreamItem.Event)
                .map(item -> ((StreamItem.Event) item).event().sequence())
                .toList();
        assertThat(deliveredSequences).isSorted().doesNotHaveDuplicates();
        if (!queue.disconnected()) {
            assertThat(deliveredSequences).containsAll(mustDeliver);
        }
        for (StreamItem item : received) {
            if (item instanceof StreamNotice.EventsDropped notice) {
                assertThat(deliveredSequences).noneMatch(s -> s >= notice.fromSequence() && s <= notice.toSequence()
                        && mustDeliver.contains(s));
            }
        }
    }
}
