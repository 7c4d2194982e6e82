package dev.agentforge.stream;

import java.util.Objects;

/**
 * An element of a merged stream with the name of the source it came from.
 *
 * @param source the name given to the source in {@link AgentStreams#merge}
 * @param value the element
 */
public record Tagged<T>(String source, T value) {

    public Tagged {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(value, "value");
    }
}
