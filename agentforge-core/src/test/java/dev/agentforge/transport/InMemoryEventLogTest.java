package dev.agentforge.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.Token;
import dev.agentforge.event.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class InMemoryEventLogTest {

    private static final Instant AT = Instant.parse("2026-12-04T10:00:00Z");

    private static Token token(long sequence) {
        return new Token("run_1", sequence, AT, "t" + sequence);
    }

    @Test
    void appendRejectsGapsAndDuplicates() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        log.append(token(1));

        assertThatThrownBy(() -> log.append(token(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 2");
        assertThatThrownBy(() -> log.append(token(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has sequence number 3, expected 2");
    }

    @Test
    void appendRejectsOtherRunsEvents() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");

        assertThatThrownBy(() -> log.append(new Token("run_2", 1, AT, "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("run_2");
    }

    @Test
    void appendAfterCloseFails() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        log.append(token(1));
        log.close();

        assertThatThrownBy(() -> log.append(token(2))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void streamReplaysThenFollowsLive() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        log.append(token(1));
        log.append(token(2));

        StepVerifier.create(log.stream(0).map(AgentEvent::sequence))
                .expectNext(1L, 2L)
                .then(() -> log.append(token(3)))
                .expectNext(3L)
                .then(() -> {
                    log.append(new RunCompleted("run_1", 4, AT, "done", Usage.ZERO));
                    log.close();
                })
                .expectNext(4L)
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void streamStartsAfterTheGivenSequence() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        LongStream.rangeClosed(1, 5).forEach(sequence -> log.append(token(sequence)));
        log.close();

        StepVerifier.create(log.stream(3).map(AgentEvent::sequence))
                .expectNext(4L, 5L)
                .verifyComplete();
    }

    @Test
    void streamOfClosedLogAfterLastEventCompletesEmpty() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        log.append(token(1));
        log.close();

        StepVerifier.create(log.stream(1)).verifyComplete();
    }

    @Test
    void streamHonoursBackpressure() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        LongStream.rangeClosed(1, 10).forEach(sequence -> log.append(token(sequence)));

        StepVerifier.create(log.stream(0).map(AgentEvent::sequence), 2)
                .expectNext(1L, 2L)
                .expectNoEvent(Duration.ofMillis(50))
                .thenRequest(3)
                .expectNext(3L, 4L, 5L)
                .thenCancel()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void concurrentAppendsReachEverySubscriberWithoutGaps() throws Exception {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        int events = 5000;
        List<List<Long>> received = new CopyOnWriteArrayList<>();
        List<reactor.core.Disposable> subscriptions = new CopyOnWriteArrayList<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            for (long sequence = 1; sequence <= events; sequence++) {
                log.append(token(sequence));
            }
            log.close();
        });
        for (int i = 0; i < 4; i++) {
            List<Long> sequences = new CopyOnWriteArrayList<>();
            received.add(sequences);
            subscriptions.add(Flux.from(log.stream(0)).map(AgentEvent::sequence).subscribe(sequences::add));
        }
        writer.join(Duration.ofSeconds(30));

        List<Long> expected = LongStream.rangeClosed(1, events).boxed().toList();
        for (List<Long> sequences : received) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sequences.size() == events);
            assertThat(sequences).isEqualTo(expected);
        }
        assertThat(subscriptions).allMatch(reactor.core.Disposable::isDisposed);
    }

    @Test
    void afterReturnsTheTail() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        LongStream.rangeClosed(1, 4).forEach(sequence -> log.append(token(sequence)));

        assertThat(log.after(2)).extracting(AgentEvent::sequence).containsExactly(3L, 4L);
        assertThat(log.after(10)).isEmpty();
        assertThat(log.lastSequence()).isEqualTo(4);
        assertThat(log.retainedBytes()).isPositive();
    }
}
