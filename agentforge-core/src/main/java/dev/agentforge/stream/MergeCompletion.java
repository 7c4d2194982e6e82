package dev.agentforge.stream;

/** When the stream of {@link AgentStreams#merge} completes. */
public enum MergeCompletion {
    /** When every source has ended. */
    ALL,
    /** When the first source completes; the others are cancelled. A failed source does not count. */
    ANY
}
