package dev.agentforge.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A streaming parser for the {@code text/event-stream} format of the WHATWG HTML standard,
 * section "Server-sent events". It takes the response body in chunks of any size and passes each
 * dispatched event to a listener on the calling thread.
 *
 * <p>It follows the standard's rules: one leading UTF-8 byte order mark is skipped, lines end
 * with CRLF, LF or CR (also when a CRLF pair is split between two chunks), a line that starts
 * with a colon is a comment, a field without a colon has an empty value, one space after the
 * colon is removed, {@code data} lines are joined with LF and one trailing LF is removed, a block
 * with no data dispatches nothing, {@code retry} is used only when it is all ASCII digits, an
 * {@code id} containing NUL is ignored, and the last event ID persists across events. At the end
 * of the stream an unfinished event is discarded.
 *
 * <p>Lines are decoded as UTF-8 only once they are complete, so a multi-byte character split
 * between chunks decodes correctly. Invalid UTF-8 becomes U+FFFD.
 *
 * <p>Not thread-safe: feed it from one thread at a time.
 */
public final class SseParser {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final Consumer<SseEvent> listener;

    // NOTE: the line and data buffers are unbounded, so a server that never ends a line or an
    // event makes them grow until the stream is closed.
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean bomChecked;
    private boolean lastByteWasCr;
    private boolean ended;

    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventIdBuffer = "";
    private String lastEventId = "";
    private Long blockRetry;
    private Long retryMillis;

    /** Creates a parser that passes each dispatched event to {@code listener}. */
    public SseParser(Consumer<SseEvent> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Parses all bytes of {@code bytes}. */
    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    /**
     * Parses {@code length} bytes of {@code bytes} from {@code offset}, dispatching every event
     * that they complete.
     *
     * @throws IllegalStateException if {@link #end()} was called
     */
    public void feed(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        checkOpen();
        for (int i = offset; i < offset + length; i++) {
            accept(bytes[i]);
        }
    }

    /** Parses the remaining bytes of {@code buffer} and advances its position to its limit. */
    public void feed(ByteBuffer buffer) {
        checkOpen();
        while (buffer.hasRemaining()) {
            accept(buffer.get());
        }
    }

    /**
     * Ends the stream. An unfinished line and an event without its closing blank line are
     * discarded, as the standard requires. Later calls to {@code feed} fail.
     */
    public void end() {
        ended = true;
        lineLength = 0;
        data.setLength(0);
        eventType = "";
        blockRetry = null;
    }

    /** Returns the last event ID of the stream, empty if none was set. */
    public String lastEventId() {
        return lastEventId;
    }

    /** Returns the last valid {@code retry} value in milliseconds, or {@code null} if none came. */
    public Long retryMillis() {
        return retryMillis;
    }

    private void checkOpen() {
        if (ended) {
            throw new IllegalStateException("The SSE stream has ended: create a new SseParser for a new stream.");
        }
    }

    private void accept(byte b) {
        if (lastByteWasCr) {
            lastByteWasCr = false;
            if (b == LF) {
                return;
            }
        }
        if (b == CR || b == LF) {
            lastByteWasCr = b == CR;
            bomChecked = true;
            processLine();
            lineLength = 0;
            return;
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
        if (!bomChecked) {
            checkBom();
        }
    }

    // Runs while the first bytes of the stream arrive: drops them once they form a whole BOM and
    // stops checking at the first byte that differs from it.
    private void checkBom() {
        int last = lineLength - 1;
        if (line[last] != BOM[last]) {
            bomChecked = true;
        } else if (lineLength == BOM.length) {
            bomChecked = true;
            lineLength = 0;
        }
    }

    private void processLine() {
        if (lineLength == 0) {
            dispatch();
            return;
        }
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            processField(text, "");
            return;
        }
        int valueStart = colon + 1;
        if (valueStart < text.length() && text.charAt(valueStart) == ' ') {
            valueStart++;
        }
        processField(text.substring(0, colon), text.substring(valueStart));
    }

    private void processField(String name, String value) {
        switch (name) {
            case "event" -> eventType = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventIdBuffer = value;
                }
            }
            case "retry" -> {
                Long millis = parseRetry(value);
                if (millis != null) {
                    retryMillis = millis;
                    blockRetry = millis;
                }
            }
            default -> {
                // The standard ignores unknown fields.
            }
        }
    }

    private static Long parseRetry(String value) {
        if (value.isEmpty()) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException tooLarge) {
            // NOTE: a value beyond Long.MAX_VALUE is ignored, where the standard has no limit.
            return null;
        }
    }

    private void dispatch() {
        lastEventId = lastEventIdBuffer;
        Long retry = blockRetry;
        blockRetry = null;
        if (data.isEmpty()) {
            eventType = "";
            return;
        }
        data.setLength(data.length() - 1);
        SseEvent event = new SseEvent(
                lastEventId.isEmpty() ? null : lastEventId,
                eventType.isEmpty() ? null : eventType,
                data.toString(),
                retry);
        data.setLength(0);
        eventType = "";
        listener.accept(event);
    }
}
