package dev.agentforge.stream;

/** The failure of one named source of {@link AgentStreams#merge}; the cause is the source's own error. */
public final class SourceFailedException extends RuntimeException {

    private final String source;

    public SourceFailedException(String source, Throwable cause) {
        super("Source '" + source + "' of the merged stream failed: " + cause, cause);
        this.source = source;
    }

    /** The name of the source that failed. */
    public String source() {
        return source;
    }
}
