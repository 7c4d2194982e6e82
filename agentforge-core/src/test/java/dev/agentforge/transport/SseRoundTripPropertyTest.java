package dev.agentforge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class SseRoundTripPropertyTest {

    @Property
    void encodeThenParseReturnsEvents(@ForAll("eventLists") List<SseEvent> events) {
        String encoded = encodeAll(events);

        List<SseEvent> parsed = parse(List.of(encoded.getBytes(StandardCharsets.UTF_8)));

        assertThat(parsed).isEqualTo(expectedAfterParse(events));
    }

    @Property
    void anySplitParsesSameEvents(
            @ForAll("eventLists") List<SseEvent> events,
            @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 100_000) Integer> cuts,
            @ForAll @Size(max = 64) List<@IntRange(min = 0, max = 2) Integer> lineEndingKinds) {
        String encoded = withLineEndings(encodeAll(events), lineEndingKinds);
        byte[] bytes = encoded.getBytes(StandardCharsets.UTF_8);

        List<SseEvent> parsed = parse(split(bytes, cuts));

        assertThat(parsed).isEqualTo(expectedAfterParse(events));
    }

    @Provide
    Arbitrary<List<SseEvent>> eventLists() {
        Arbitrary<String> ids = Arbitraries.oneOf(
                Arbitraries.just(null),
                text().filter(s -> !s.isEmpty() && s.chars().noneMatch(c -> c == 0 || c == '\r' || c == '\n')));
        Arbitrary<String> types = Arbitraries.oneOf(
                Arbitraries.just(null),
                text().filter(s -> !s.isEmpty() && s.chars().noneMatch(c -> c == '\r' || c == '\n')));
        Arbitrary<Long> retries = Arbitraries.oneOf(
                Arbitraries.just(null),
                Arbitraries.longs().between(0, 10_000_000_000L));
        Arbitrary<SseEvent> event = Combinators.combine(ids, types, text(), retries).as(SseEvent::new);
        return event.list().ofMinSize(1).ofMaxSize(5);
    }

    // Code points weighted towards the characters that matter to the format: line breaks, NUL,
    // colons, spaces, the byte order mark and multi-byte UTF-8.
    private static Arbitrary<String> text() {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(3, Arbitraries.of(0x0A, 0x0D, 0x00, 0x3A, 0x20, 0xFEFF)),
                Tuple.of(1, Arbitraries.integers().between(0x80, 0xD7FF)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        return codePoints.list().ofMaxSize(30).map(list -> {
            StringBuilder text = new StringBuilder();
            list.forEach(text::appendCodePoint);
            return text.toString();
        });
    }

    private static String encodeAll(List<SseEvent> events) {
        StringBuilder out = new StringBuilder();
        for (SseEvent event : events) {
            SseEncoder.encode(event, out);
        }
        return out.toString();
    }

    // The parser returns data with every line break as LF, and each event carries the last event
    // ID sent so far.
    private static List<SseEvent> expectedAfterParse(List<SseEvent> events) {
        List<SseEvent> expected = new ArrayList<>();
        String lastId = null;
        for (SseEvent event : events) {
            if (event.id() != null) {
                lastId = event.id();
            }
            String data = event.data().replace("\r\n", "\n").replace('\r', '\n');
            expected.add(new SseEvent(lastId, event.event(), data, event.retry()));
        }
        return expected;
    }

    // Replaces each LF written by the encoder with LF, CR or CRLF, chosen by the kinds in turn.
    private static String withLineEndings(String encoded, List<Integer> kinds) {
        if (kinds.isEmpty()) {
            return encoded;
        }
        StringBuilder out = new StringBuilder(encoded.length() + 16);
        int lineIndex = 0;
        boolean lastWasCr = false;
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c != '\n') {
                out.append(c);
                continue;
            }
            int kind = kinds.get(lineIndex++ % kinds.size());
            if (kind == 0 && lastWasCr) {
                // A lone LF after a CR would merge with it into one CRLF line ending.
                kind = 2;
            }
            switch (kind) {
                case 0 -> out.append('\n');
                case 1 -> out.append('\r');
                default -> out.append("\r\n");
            }
            lastWasCr = kind == 1;
        }
        return out.toString();
    }

    private static List<byte[]> split(byte[] bytes, List<Integer> cuts) {
        TreeSet<Integer> positions = new TreeSet<>();
        for (int cut : cuts) {
            positions.add(cut % (bytes.length + 1));
        }
        positions.add(bytes.length);
        List<byte[]> reads = new ArrayList<>();
        int start = 0;
        for (int end : positions) {
            byte[] read = new byte[end - start];
            System.arraycopy(bytes, start, read, 0, read.length);
            reads.add(read);
            start = end;
        }
        return reads;
    }

    private static List<SseEvent> parse(List<byte[]> reads) {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        for (byte[] read : reads) {
            parser.feed(read);
        }
        parser.end();
        return events;
    }
}
