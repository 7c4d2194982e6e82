package dev.agentforge.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private final List<SseEvent> events = new ArrayList<>();
    private final SseParser parser = new SseParser(events::add);

    private void feed(String... reads) {
        for (String read : reads) {
            parser.feed(read.getBytes(StandardCharsets.UTF_8));
        }
    }

    private List<String> data() {
        return events.stream().map(SseEvent::data).toList();
    }

    @Test
    void mixedLineEndingsAcrossReads() {
        feed("data: A\r\n", "data: B\r", "\n", "data: C\r\n", "\n");

        assertThat(data()).containsExactly("A\nB\nC");
    }

    @Test
    void crLineEndingsFedOneByteAtATime() {
        for (byte b : "data: x\r\r".getBytes(StandardCharsets.US_ASCII)) {
            parser.feed(new byte[] {b});
        }

        assertThat(data()).containsExactly("x");
    }

    @Test
    void byteOrderMarkSplitAcrossReads() {
        parser.feed(new byte[] {(byte) 0xEF, (byte) 0xBB});
        byte[] rest = "data:a\ndata: b\ndata:\n\n".getBytes(StandardCharsets.US_ASCII);
        byte[] second = new byte[rest.length + 1];
        second[0] = (byte) 0xBF;
        System.arraycopy(rest, 0, second, 1, rest.length);
        parser.feed(second);

        assertThat(data()).containsExactly("a\nb\n");
    }

    @Test
    void byteOrderMarkOnlySkippedAtStart() {
        feed("data: a\n\n", "\uFEFFdata: b\n\n", "data: c\n\n");

        assertThat(data()).containsExactly("a", "c");
    }

    @Test
    void unfinishedEventDiscardedAtEnd() {
        feed("data: last");
        parser.end();

        assertThat(events).isEmpty();
    }

    @Test
    void eventWithoutBlankLineDiscardedAtEnd() {
        feed("data: first\n\n", "data: second\n");
        parser.end();

        assertThat(data()).containsExactly("first");
    }

    @Test
    void retryWithNonDigitsIgnored() {
        feed("retry: 12a\n\n");

        assertThat(parser.retryMillis()).isNull();
        assertThat(events).isEmpty();
    }

    @Test
    void retryWithDigitsSetsReconnectionTime() {
        feed("retry: 1500\ndata: x\n\n", "retry: 12a\n\n");

        assertThat(parser.retryMillis()).isEqualTo(1500L);
        assertThat(events).containsExactly(new SseEvent(null, null, "x", 1500L));
    }

    @Test
    void commentDispatchesNothing() {
        feed(": keep-alive\n\n");

        assertThat(events).isEmpty();
    }

    @Test
    void fieldWithoutColonHasEmptyValue() {
        feed("data\ndata\n\n");

        assertThat(data()).containsExactly("\n");
    }

    @Test
    void onlyOneLeadingSpaceRemoved() {
        feed("data:  two spaces\nevent:   typed\n\n");

        assertThat(events).containsExactly(new SseEvent(null, "  typed", " two spaces", null));
    }

    @Test
    void colonInValueKept() {
        feed("data: {\"a\":1}\n\n");

        assertThat(data()).containsExactly("{\"a\":1}");
    }

    @Test
    void eventTypeResetAfterDispatch() {
        feed("event: first\ndata: 1\n\n", "data: 2\n\n");

        assertThat(events).extracting(SseEvent::event).containsExactly("first", null);
    }

    @Test
    void eventTypeWithoutDataDiscarded() {
        feed("event: lonely\n\n", "data: 2\n\n");

        assertThat(events).containsExactly(new SseEvent(null, null, "2", null));
    }

    @Test
    void lastEventIdPersists() {
        feed("id: 7\ndata: a\n\n", "data: b\n\n", "id\ndata: c\n\n");

        assertThat(events).extracting(SseEvent::id).containsExactly("7", "7", null);
        assertThat(parser.lastEventId()).isEmpty();
    }

    @Test
    void idWithoutDataStillUpdatesLastEventId() {
        feed("id: 9\n\n", "data: a\n\n");

        assertThat(events).extracting(SseEvent::id).containsExactly("9");
    }

    @Test
    void idContainingNulIgnored() {
        feed("id: 1\ndata: a\n\n", "id: 2\0x\ndata: b\n\n");

        assertThat(events).extracting(SseEvent::id).containsExactly("1", "1");
    }

    @Test
    void unknownFieldIgnored() {
        feed("foo: bar\ndata: a\n\n");

        assertThat(events).containsExactly(new SseEvent(null, null, "a", null));
    }

    @Test
    void multiByteCharacterSplitAcrossReads() {
        byte[] bytes = "data: é中😀\n\n".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            parser.feed(new byte[] {b}, 0, 1);
        }

        assertThat(data()).containsExactly("é中😀");
    }

    @Test
    void invalidUtf8BecomesReplacementCharacter() {
        parser.feed(new byte[] {'d', 'a', 't', 'a', ':', (byte) 0xC3, '\n', '\n'});

        assertThat(data()).containsExactly("\uFFFD");
    }

    @Test
    void byteBufferAndOffsetFeeds() {
        byte[] bytes = "xxdata: a\n\n".getBytes(StandardCharsets.US_ASCII);
        parser.feed(bytes, 2, 5);
        parser.feed(ByteBuffer.wrap(bytes, 7, bytes.length - 7));

        assertThat(data()).containsExactly("a");
    }

    @Test
    void feedAfterEndRejected() {
        parser.end();

        assertThatThrownBy(() -> feed("data: a\n\n"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ended");
    }
}
