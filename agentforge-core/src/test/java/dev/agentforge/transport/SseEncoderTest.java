package dev.agentforge.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEncoderTest {

    private static List<SseEvent> parse(String text) {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        parser.feed(text.getBytes(StandardCharsets.UTF_8));
        parser.end();
        return events;
    }

    @Test
    void jsonPayloadWithTrailingLineBreak() {
        String encoded = SseEncoder.encode(SseEvent.of("{\n}\n"));

        assertThat(encoded).isEqualTo("data: {\ndata: }\ndata: \n\n");
        assertThat(parse(encoded)).extracting(SseEvent::data).containsExactly("{\n}\n");
    }

    @Test
    void everyLineBreakKindSplitsData() {
        String encoded = SseEncoder.encode(SseEvent.of("a\r\nb\rc\nd"));

        assertThat(encoded).isEqualTo("data: a\ndata: b\ndata: c\ndata: d\n\n");
    }

    @Test
    void emptyDataWritesOneDataLine() {
        String encoded = SseEncoder.encode(SseEvent.of(""));

        assertThat(encoded).isEqualTo("data: \n\n");
        assertThat(parse(encoded)).extracting(SseEvent::data).containsExactly("");
    }

    @Test
    void allFieldsWritten() {
        String encoded = SseEncoder.encode(new SseEvent("42", "token", "hi", 3000L));

        assertThat(encoded).isEqualTo("id: 42\nevent: token\nretry: 3000\ndata: hi\n\n");
        assertThat(parse(encoded)).containsExactly(new SseEvent("42", "token", "hi", 3000L));
    }

    @Test
    void leadingSpaceInDataKept() {
        String encoded = SseEncoder.encode(SseEvent.of("  indented"));

        assertThat(parse(encoded)).extracting(SseEvent::data).containsExactly("  indented");
    }

    @Test
    void idWithLineFeedRejected() {
        assertThatThrownBy(() -> SseEncoder.encode(new SseEvent("a\nb", null, "x", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a\\nb")
                .hasMessageContaining("NUL, CR or LF");
    }

    @Test
    void idWithCarriageReturnRejected() {
        assertThatThrownBy(() -> SseEncoder.encode(new SseEvent("a\rb", null, "x", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a\\rb");
    }

    @Test
    void idWithNulRejected() {
        assertThatThrownBy(() -> SseEncoder.encode(new SseEvent("a\0b", null, "x", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a\\0b");
    }

    @Test
    void eventTypeWithLineBreakRejected() {
        assertThatThrownBy(() -> SseEncoder.encode(SseEvent.of("a\nb", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event type");
    }

    @Test
    void commentLinesDispatchNothing() {
        String encoded = SseEncoder.comment("keep-alive\nsecond line");

        assertThat(encoded).isEqualTo(": keep-alive\n: second line\n\n");
        assertThat(parse(encoded)).isEmpty();
    }

    @Test
    void retryBlockSetsReconnectionTime() {
        String encoded = SseEncoder.retry(2500);
        SseParser parser = new SseParser(event -> { });
        parser.feed(encoded.getBytes(StandardCharsets.US_ASCII));

        assertThat(encoded).isEqualTo("retry: 2500\n\n");
        assertThat(parser.retryMillis()).isEqualTo(2500L);
    }

    @Test
    void negativeRetryRejected() {
        assertThatThrownBy(() -> SseEncoder.retry(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }
}
