package dev.agentforge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.Token;
import dev.agentforge.event.Usage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class InMemoryEventLogRetentionTest {

    private static final Instant AT = Instant.parse("2026-12-04T10:00:00Z");

    private static Token token(long sequence) {
        return new Token("run_1", sequence, AT, "t" + sequence);
    }

    private static List<Long> sequences(List<AgentEvent> events) {
        return events.stream().map(AgentEvent::sequence).toList();
    }

    @Test
    void eventCapTrimsOldest() {
        InMemoryEventLog log = new InMemoryEventLog("run_1", InMemoryEventLog.Retention.ofEvents(3));
        for (long i = 1; i <= 5; i++) {
            log.append(token(i));
        }

        assertThat(log.firstSequence()).isEqualTo(3);
        assertThat(log.lastSequence()).isEqualTo(5);
        assertThat(log.trimmedEvents()).isEqualTo(2);
        assertThat(sequences(log.after(0))).containsExactly(3L, 4L, 5L);
        assertThat(sequences(log.after(3))).containsExactly(4L, 5L);
    }

    @Test
    void byteCapKeepsNewestEvenWhenLarger() {
        InMemoryEventLog log = new InMemoryEventLog("run_1", InMemoryEventLog.Retention.ofBytes(100));
        log.append(token(1));
        log.append(new Token("run_1", 2, AT, "x".repeat(500)));

        assertThat(log.firstSequence()).isEqualTo(2);
        assertThat(sequences(log.after(0))).containsExactly(2L);
        assertThat(log.retainedBytes()).isEqualTo(96 + 2 * 500);
    }

    @Test
    void terminalEventIsNeverTrimmed() {
        InMemoryEventLog log = new InMemoryEventLog("run_1", InMemoryEventLog.Retention.ofEvents(1));
        log.append(token(1));
        log.append(token(2));
        log.append(new RunCompleted("run_1", 3, AT, "done", Usage.ZERO));
        log.close();

        assertThat(log.firstSequence()).isEqualTo(3);
        assertThat(log.after(0)).singleElement().matches(AgentEvent::terminal);
    }

    @Test
    void emptyLogStartsAtOne() {
        InMemoryEventLog log = new InMemoryEventLog("run_1", InMemoryEventLog.Retention.ofEvents(2));

        assertThat(log.firstSequence()).isEqualTo(1);
        assertThat(log.lastSequence()).isZero();
    }

    @Test
    void pagedAfterReturnsLimit() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        for (long i = 1; i <= 10; i++) {
            log.append(token(i));
        }

        assertThat(sequences(log.after(2, 3))).containsExactly(3L, 4L, 5L);
        assertThat(sequences(log.after(8, 3))).containsExactly(9L, 10L);
        assertThat(log.after(10, 3)).isEmpty();
    }

    @Test
    void streamStartsAtFirstKeptEvent() {
        InMemoryEventLog log = new InMemoryEventLog("run_1", InMemoryEventLog.Retention.ofEvents(2));
        for (long i = 1; i <= 4; i++) {
            log.append(token(i));
        }
        log.close();

        StepVerifier.create(log.stream(0).map(AgentEvent::sequence))
                .expectNext(3L, 4L)
                .verifyComplete();
    }

    @Test
    void trimToLastFreesBytes() {
        InMemoryEventLog log = new InMemoryEventLog("run_1");
        for (long i = 1; i <= 4; i++) {
            log.append(token(i));
        }

        long freed = log.trimToLast(1);

        assertThat(freed).isEqualTo(3 * (96 + 2 * 2));
        assertThat(log.firstSequence()).isEqualTo(4);
    }
}
