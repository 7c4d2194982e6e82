package dev.agentforge.resource;

import java.util.Objects;

/**
 * The result of one key in a batch: a value, or a failure that fails only that key's callers. A batch
 * function built with {@link Batcher#withResults} returns one per requested key.
 */
public sealed interface BatchResult<V> {

    /** Creates a successful result; the value may be null. */
    static <V> BatchResult<V> success(V value) {
        return new Success<>(value);
    }

    /** Creates a failed result. */
    static <V> BatchResult<V> failure(Throwable error) {
        return new Failure<>(error);
    }

    /** A value for the key, which may be null. */
    record Success<V>(V value) implements BatchResult<V> {
    }

    /** A failure of the key. */
    record Failure<V>(Throwable error) implements BatchResult<V> {
        public Failure {
            Objects.requireNonNull(error, "error");
        }
    }
}
