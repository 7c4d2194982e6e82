package dev.agentforge.transport;

/**
 * Writes server-sent events in the text format of the WHATWG HTML standard, section "Server-sent
 * events". Every block ends with a blank line, and lines end with LF. The caller encodes the
 * text as UTF-8.
 *
 * <p>Data is split at every line break (CRLF, CR or LF) into one {@code data:} line per line, so
 * a parser returns the data with each line break turned into LF.
 */
public final class SseEncoder {

    private SseEncoder() {
    }

    /** Returns the text of one event block. */
    public static String encode(SseEvent event) {
        StringBuilder out = new StringBuilder(event.data().length() + 32);
        encode(event, out);
        return out.toString();
    }

    /**
     * Appends one event block: {@code id}, {@code event} and {@code retry} fields when set, then
     * one {@code data} line per line of data, then a blank line.
     *
     * @throws IllegalArgumentException if the id contains NUL, CR or LF, or the event type
     *     contains CR or LF
     */
    public static void encode(SseEvent event, StringBuilder out) {
        String id = event.id();
        String type = event.event();
        if (id != null) {
            checkId(id);
        }
        if (type != null) {
            checkEventType(type);
        }

        if (id != null) {
            appendField(out, "id", id);
        }
        if (type != null && !type.isEmpty()) {
            appendField(out, "event", type);
        }
        if (event.retry() != null) {
            appendField(out, "retry", Long.toString(event.retry()));
        }
        appendLines(out, "data", event.data());
        out.append('\n');
    }

    /**
     * Returns a comment block: one {@code :} line per line of text, then a blank line. Parsers
     * dispatch no event for it, so it serves as a keep-alive.
     */
    public static String comment(String text) {
        StringBuilder out = new StringBuilder(text.length() + 4);
        comment(text, out);
        return out.toString();
    }

    /** Appends a comment block, as {@link #comment(String)} returns it. */
    public static void comment(String text, StringBuilder out) {
        int start = 0;
        int length = text.length();
        while (true) {
            int end = lineEnd(text, start);
            out.append(':');
            if (end > start) {
                out.append(' ').append(text, start, end);
            }
            out.append('\n');
            if (end == length) {
                break;
            }
            start = skipLineBreak(text, end);
        }
        out.append('\n');
    }

    /** Returns a block with only a {@code retry} field, which sets the client's reconnection time. */
    public static String retry(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException(
                    "Invalid SSE retry " + millis + ": the reconnection time must be 0 or more milliseconds.");
        }
        return "retry: " + millis + "\n\n";
    }

    private static void checkId(String id) {
        if (id.indexOf('\0') >= 0 || id.indexOf('\r') >= 0 || id.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("Invalid SSE event id \"" + escape(id)
                    + "\": an id must not contain NUL, CR or LF. Remove those characters from the id.");
        }
    }

    private static void checkEventType(String type) {
        if (type.indexOf('\r') >= 0 || type.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("Invalid SSE event type \"" + escape(type)
                    + "\": an event type must not contain CR or LF. Remove the line breaks.");
        }
    }

    private static void appendField(StringBuilder out, String name, String value) {
        out.append(name).append(": ").append(value).append('\n');
    }

    // Writes "name: line" for each line. The space after the colon is always written, because a
    // parser removes exactly one leading space and a line that starts with a space keeps the rest.
    private static void appendLines(StringBuilder out, String name, String value) {
        int start = 0;
        int length = value.length();
        while (true) {
            int end = lineEnd(value, start);
            out.append(name).append(": ").append(value, start, end).append('\n');
            if (end == length) {
                return;
            }
            start = skipLineBreak(value, end);
        }
    }

    private static int lineEnd(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                return i;
            }
        }
        return text.length();
    }

    private static int skipLineBreak(String text, int at) {
        if (text.charAt(at) == '\r' && at + 1 < text.length() && text.charAt(at + 1) == '\n') {
            return at + 2;
        }
        return at + 1;
    }

    private static String escape(String value) {
        return value.replace("\0", "\\0").replace("\r", "\\r").replace("\n", "\\n");
    }
}
