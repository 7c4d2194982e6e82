package dev.agentforge.stream;

/** The point at which {@link AgentStreams#coalesceTokens} may end a joined token before it reaches its maximum size. */
public enum TokenBoundary {
    /** Only at the maximum size, a non-token event or the end of the stream. */
    NONE,
    /** Also after whitespace, so each joined token ends with whole words. */
    WORD,
    /** Also after {@code .}, {@code !} or {@code ?} followed by whitespace, and after a line break. */
    SENTENCE;

    /** Returns whether joined text that ends this way may be sent now. */
    boolean endsAt(CharSequence text) {
        if (text.isEmpty() || this == NONE) {
            return false;
        }
        char last = text.charAt(text.length() - 1);
        if (this == WORD) {
            return Character.isWhitespace(last);
        }
        if (last == '\n') {
            return true;
        }
        if (!Character.isWhitespace(last) || text.length() < 2) {
            return false;
        }
        char beforeLast = text.charAt(text.length() - 2);
        return beforeLast == '.' || beforeLast == '!' || beforeLast == '?';
    }
}
