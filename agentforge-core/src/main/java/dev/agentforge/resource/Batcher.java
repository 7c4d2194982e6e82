package dev.agentforge.resource;

import dev.agentforge.resource.internal.BatchDispatcher;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Collects single lookups into batch requests, in the manner of DataLoader: each {@link #load} returns
 * a future, and the batch function receives the distinct keys of a batch at once and returns a map
 * from key to result. Results are matched to callers by key, never by position.
 *
 * <p>A batch is sent when it contains {@code maxBatchSize} distinct keys, or when {@code maxWait} has
 * passed since its first key arrived; later keys do not restart that wait. At most
 * {@code maxBatchesInFlight} batches run at once, and further batches queue in order. Callers of the
 * same key in one batch share one request for it.
 *
 * <p>Failures reach only the callers they concern:
 * <ul>
 * <li>A key missing from the result map fails its callers with a {@link java.util.NoSuchElementException}
 *     naming the key.
 * <li>A {@link BatchResult.Failure} fails its key's callers with its error.
 * <li>A batch function that throws, returns null or a failed stage fails every caller of the batch
 *     with that cause.
 * <li>A result map with keys that were not requested fails every caller of the batch with an
 *     {@link IllegalStateException} that lists them, because the map does not answer this request.
 * </ul>
 *
 * <p>With {@link Builder#adaptive} the batch size moves toward a latency target: after a full batch
 * that finished within the target it grows by half (at least 1), and after a batch slower than the
 * target it halves, within the given bounds.
 *
 * <p>The batch function runs on the thread that completes a batch: the caller whose key filled it, or
 * the scheduler's thread when its wait ends. It should return a stage without blocking. {@link #close}
 * sends the pending keys, and later loads fail.
 *
 * <p>This is hand-written on a Reactor {@link Scheduler} because Reactor's {@code bufferTimeout} has a
 * fixed maximum size, so it cannot adapt the batch size, match results by key or share a key's
 * request between its callers.
 */
public final class Batcher<K, V> implements AutoCloseable {

    private final BatchDispatcher<K, V> dispatcher;

    private Batcher(Builder<K, V> builder) {
        this.dispatcher = new BatchDispatcher<>(builder.name, builder.batchFunction, builder.maxBatchSize,
                builder.minBatchSize, builder.adaptiveMaxBatchSize, builder.latencyTarget, builder.maxWait,
                builder.maxBatchesInFlight, builder.scheduler);
    }

    /** Starts a batcher whose batch function returns plain values; a missing key fails its callers. */
    public static <K, V> Builder<K, V> builder(Function<List<K>, ? extends CompletionStage<Map<K, V>>> batchFunction) {
        Objects.requireNonNull(batchFunction, "batchFunction");
        return new Builder<>(keys -> {
            CompletionStage<Map<K, V>> stage = batchFunction.apply(keys);
            return stage == null ? null : stage.thenApply(Batcher::wrapValues);
        });
    }

    /** Starts a batcher whose batch function returns a success or a failure for each key. */
    public static <K, V> Builder<K, V> withResults(
            Function<List<K>, ? extends CompletionStage<Map<K, BatchResult<V>>>> batchFunction) {
        Objects.requireNonNull(batchFunction, "batchFunction");
        return new Builder<>(keys -> {
            CompletionStage<Map<K, BatchResult<V>>> stage = batchFunction.apply(keys);
            return stage == null ? null : stage.thenApply(Function.identity());
        });
    }

    private static <K, V> Map<K, BatchResult<V>> wrapValues(Map<K, V> values) {
        if (values == null) {
            return null;
        }
        Map<K, BatchResult<V>> results = new HashMap<>(values.size() * 2);
        values.forEach((key, value) -> results.put(key, BatchResult.success(value)));
        return results;
    }

    /**
     * Adds a key to the current batch and returns the future of its result.
     *
     * @throws NullPointerException if the key is null
     */
    public CompletableFuture<V> load(K key) {
        return dispatcher.load(key);
    }

    /** The batch size that sends a batch at once; it changes only in adaptive mode. */
    public int batchSize() {
        return dispatcher.batchSize();
    }

    /** The number of batches sent whose results have not arrived. */
    public int batchesInFlight() {
        return dispatcher.batchesInFlight();
    }

    /** The number of batches sent since creation. */
    public long batchesSent() {
        return dispatcher.batchesSent();
    }

    /**
     * Sends the pending keys and rejects further loads. The future completes when every batch sent has
     * completed.
     */
    public CompletableFuture<Void> closeAsync() {
        return dispatcher.close();
    }

    /** Sends the pending keys, rejects further loads and blocks until every batch sent has completed. */
    @Override
    public void close() {
        closeAsync().join();
    }

    /** Builds a {@link Batcher}. */
    public static final class Builder<K, V> {
        private final Function<List<K>, CompletionStage<Map<K, BatchResult<V>>>> batchFunction;
        private String name = "batcher";
        private int maxBatchSize = 100;
        private int minBatchSize;
        private int adaptiveMaxBatchSize;
        private Duration latencyTarget;
        private Duration maxWait = Duration.ofMillis(10);
        private int maxBatchesInFlight = 4;
        private Scheduler scheduler = Schedulers.parallel();

        private Builder(Function<List<K>, CompletionStage<Map<K, BatchResult<V>>>> batchFunction) {
            this.batchFunction = batchFunction;
        }

        /** Sets the name used in error messages. */
        public Builder<K, V> name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Sets the number of distinct keys that sends a batch at once; 100 by default. */
        public Builder<K, V> maxBatchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("Invalid maxBatchSize " + size + ": use 1 or more");
            }
            this.maxBatchSize = size;
            return this;
        }

        /** Sets how long a batch waits for more keys after its first one; 10 ms by default. */
        public Builder<K, V> maxWait(Duration wait) {
            Objects.requireNonNull(wait, "wait");
            if (wait.isNegative()) {
                throw new IllegalArgumentException("Invalid maxWait " + wait + ": use zero or a positive duration");
            }
            this.maxWait = wait;
            return this;
        }

        /** Sets how many batches may run at once; further batches wait. 4 by default. */
        public Builder<K, V> maxBatchesInFlight(int batches) {
            if (batches < 1) {
                throw new IllegalArgumentException("Invalid maxBatchesInFlight " + batches + ": use 1 or more");
            }
            this.maxBatchesInFlight = batches;
            return this;
        }

        /**
         * Moves the batch size between {@code min} and {@code max} toward batches that finish within
         * {@code latencyTarget}, starting from {@code min}. It replaces {@link #maxBatchSize}.
         */
        public Builder<K, V> adaptive(int min, int max, Duration latencyTarget) {
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("Invalid adaptive batch size bounds " + min + ".." + max
                        + ": use 1 <= min <= max");
            }
            Objects.requireNonNull(latencyTarget, "latencyTarget");
            if (latencyTarget.isNegative() || latencyTarget.isZero()) {
                throw new IllegalArgumentException("Invalid latency target " + latencyTarget + ": use a positive duration");
            }
            this.minBatchSize = min;
            this.adaptiveMaxBatchSize = max;
            this.latencyTarget = latencyTarget;
            return this;
        }

        /**
         * Sets the scheduler that times {@code maxWait} and measures batch latency;
         * {@code Schedulers.parallel()} by default. Tests pass a {@code VirtualTimeScheduler}.
         */
        public Builder<K, V> scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        public Batcher<K, V> build() {
            return new Batcher<>(this);
        }
    }
}
