package dev.agentforge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.Token;
import dev.agentforge.event.Usage;
import dev.agentforge.stream.BackpressurePolicy;
import dev.agentforge.stream.StreamItem;
import dev.agentforge.stream.StreamNotice;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventFeedTest {

    private static final Instant AT = Instant.parse("2026-12-04T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(AT, ZoneOffset.UTC);

    private static Token token(long sequence) {
        return new Token("run_1", sequence, AT, "t" + sequence);
    }

    private static List<StreamItem> drain(EventFeed feed) {
        List<StreamItem> items = new ArrayList<>();
        StreamItem item;
        while ((item = feed.poll()) != null) {
            items.add(item);
        }
        return items;
    }

    private static List<Long> eventSequences(List<StreamItem> items) {
        return items.stream().filter(StreamItem.Event.class::isInstance)
                .map(item -> ((StreamItem.Event) item).event().sequence()).toList();
    }

    @Test
    void backlogBypassesBoundedQueue() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        for (long i = 1; i <= 50; i++) {
            log.append(new Observation("run_1", i, AT, "call_" + i, "tool", "result " + i, null, 0));
        }
        // A queue of two events would disconnect at once if the 50 must-deliver events went through it.
        BackpressurePolicy tiny = BackpressurePolicy.defaults().withBuffer(2, 4096);
        AtomicInteger disconnects = new AtomicInteger();
        EventFeed feed = EventFeed.open(log, 0, tiny, CLOCK, 8, new EventFeed.Listener() {
            @Override
            public void onAvailable() {
            }

            @Override
            public void onDisconnected() {
                disconnects.incrementAndGet();
            }
        });

        List<StreamItem> items = drain(feed);

        assertThat(eventSequences(items)).hasSize(50);
        assertThat(disconnects).hasValue(0);
        assertThat(feed.live()).isTrue();
    }

    @Test
    void switchToLiveSkipsAndRepeatsNothing() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        for (long i = 1; i <= 5; i++) {
            log.append(token(i));
        }
        EventFeed feed = EventFeed.open(log, 2, BackpressurePolicy.defaults(), CLOCK, 2, () -> { });
        List<StreamItem> items = new ArrayList<>();
        items.add(feed.poll());
        // Appended while the backlog is read: the next page or the live side must carry these, once.
        log.append(token(6));
        items.addAll(drain(feed));
        log.append(token(7));
        log.append(new RunCompleted("run_1", 8, AT, "done", Usage.ZERO));
        log.close();
        items.addAll(drain(feed));

        assertThat(eventSequences(items)).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(feed.finished()).isTrue();
    }

    @Test
    void resumeBeforeRetentionGetsEventsLost() {
        InMemoryEventLog log = new InMemoryEventLog("run_1", InMemoryEventLog.Retention.ofEvents(3));
        for (long i = 1; i <= 10; i++) {
            log.append(token(i));
        }
        EventFeed feed = EventFeed.open(log, 2, BackpressurePolicy.defaults(), CLOCK, () -> { });

        List<StreamItem> items = drain(feed);

        assertThat(items.getFirst()).isEqualTo(new StreamNotice.EventsLost("run_1", 3, 7,
                StreamNotice.EventsLost.REASON_RETENTION_LIMIT));
        assertThat(eventSequences(items)).containsExactly(8L, 9L, 10L);
    }

    @Test
    void resumeWithinRetentionHasNoNotice() {
        InMemoryEventLog log = new InMemoryEventLog("run_1", InMemoryEventLog.Retention.ofEvents(3));
        for (long i = 1; i <= 10; i++) {
            log.append(token(i));
        }
        EventFeed feed = EventFeed.open(log, 7, BackpressurePolicy.defaults(), CLOCK, () -> { });

        List<StreamItem> items = drain(feed);

        assertThat(items).allMatch(StreamItem.Event.class::isInstance);
        assertThat(eventSequences(items)).containsExactly(8L, 9L, 10L);
    }

    @Test
    void slowLiveReaderDropsWithCount() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        BackpressurePolicy small = BackpressurePolicy.defaults().withBuffer(4, 4096)
                .withTokenOverflow(BackpressurePolicy.TokenOverflow.DROP);
        AtomicLong dropped = new AtomicLong();
        EventFeed feed = EventFeed.open(log, 0, small, CLOCK, new EventFeed.Listener() {
            @Override
            public void onAvailable() {
            }

            @Override
            public void onDropped(long count) {
                dropped.addAndGet(count);
            }
        });
        assertThat(feed.poll()).isNull();
        for (long i = 1; i <= 20; i++) {
            log.append(token(i));
        }

        List<StreamItem> items = drain(feed);

        assertThat(dropped).hasValue(16);
        assertThat(items).anyMatch(StreamNotice.EventsDropped.class::isInstance);
        assertThat(feed.maxQueuedBytes()).isLessThanOrEqualTo(4096 + 200);
    }

    @Test
    void closedFeedReturnsNothing() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        log.append(token(1));
        EventFeed feed = EventFeed.open(log, 0, BackpressurePolicy.defaults(), CLOCK, () -> { });
        feed.close();

        assertThat(feed.poll()).isNull();
        assertThat(feed.finished()).isTrue();
    }

    @Test
    void afterTerminalFinishesAtOnce() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        log.append(token(1));
        log.append(new RunCompleted("run_1", 2, AT, "done", Usage.ZERO));
        log.close();
        EventFeed feed = EventFeed.open(log, 2, BackpressurePolicy.defaults(), CLOCK, () -> { });

        assertThat(feed.poll()).isNull();
        assertThat(feed.finished()).isTrue();
    }

    @Test
    void eventsCarryOriginalObjects() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        Token first = token(1);
        log.append(first);
        EventFeed feed = EventFeed.open(log, 0, BackpressurePolicy.defaults(), CLOCK, () -> { });

        AgentEvent event = ((StreamItem.Event) feed.poll()).event();

        assertThat(event).isSameAs(first);
    }
}
