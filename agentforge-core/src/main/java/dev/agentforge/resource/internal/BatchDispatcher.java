package dev.agentforge.resource.internal;

import dev.agentforge.resource.BatchResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * The state machine behind {@code Batcher}: the pending batch and its timer, the queue of batches
 * waiting for a slot, the batches in flight and the adaptive batch size. One lock guards the state;
 * batch functions and callers' futures run outside it.
 */
public final class BatchDispatcher<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(BatchDispatcher.class);

    private final String name;
    private final Function<List<K>, CompletionStage<Map<K, BatchResult<V>>>> batchFunction;
    private final int minBatchSize;
    private final int maxBatchSize;
    private final long latencyTargetNanos;
    private final Duration maxWait;
    private final int maxBatchesInFlight;
    private final Scheduler scheduler;

    private final ReentrantLock lock = new ReentrantLock();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Queue<Batch<K, V>> queued = new ArrayDeque<>();
    private LinkedHashMap<K, List<CompletableFuture<V>>> pending = new LinkedHashMap<>();
    private Disposable timer;
    private long generation;
    private int batchSize;
    private int inFlight;
    private long sent;
    private boolean closing;

    private record Batch<K, V>(Map<K, List<CompletableFuture<V>>> callers, boolean full) {
    }

    /**
     * @param minBatchSize the lower bound of the adaptive size, or 0 for a fixed size
     * @param adaptiveMaxBatchSize the upper bound of the adaptive size, unused for a fixed size
     * @param latencyTarget the adaptive latency target, or null for a fixed size
     */
    public BatchDispatcher(String name, Function<List<K>, CompletionStage<Map<K, BatchResult<V>>>> batchFunction,
            int fixedBatchSize, int minBatchSize, int adaptiveMaxBatchSize, Duration latencyTarget, Duration maxWait,
            int maxBatchesInFlight, Scheduler scheduler) {
        this.name = name;
        this.batchFunction = batchFunction;
        boolean adaptive = latencyTarget != null;
        this.minBatchSize = adaptive ? minBatchSize : fixedBatchSize;
        this.maxBatchSize = adaptive ? adaptiveMaxBatchSize : fixedBatchSize;
        this.latencyTargetNanos = adaptive ? latencyTarget.toNanos() : 0;
        this.batchSize = this.minBatchSize;
        this.maxWait = maxWait;
        this.maxBatchesInFlight = maxBatchesInFlight;
        this.scheduler = scheduler;
    }

    public CompletableFuture<V> load(K key) {
        Objects.requireNonNull(key, () -> "Batcher '" + name + "' cannot load a null key");
        CompletableFuture<V> future = new CompletableFuture<>();
        lock.lock();
        try {
            if (closing) {
                future.completeExceptionally(new IllegalStateException("Batcher '" + name
                        + "' is closed and rejects load(" + key + "); load keys before calling close()"));
                return future;
            }
            boolean first = pending.isEmpty();
            pending.computeIfAbsent(key, k -> new ArrayList<>(1)).add(future);
            if (pending.size() >= batchSize) {
                cutPending(true);
            } else if (first) {
                startTimer();
            }
        } finally {
            lock.unlock();
        }
        dispatchQueued();
        return future;
    }

    public int batchSize() {
        lock.lock();
        try {
            return batchSize;
        } finally {
            lock.unlock();
        }
    }

    public int batchesInFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    public long batchesSent() {
        lock.lock();
        try {
            return sent;
        } finally {
            lock.unlock();
        }
    }

    public CompletableFuture<Void> close() {
        lock.lock();
        try {
            if (!closing) {
                closing = true;
                if (!pending.isEmpty()) {
                    cutPending(false);
                }
                completeCloseIfIdle();
            }
        } finally {
            lock.unlock();
        }
        dispatchQueued();
        return closed;
    }

    // Caller holds the lock.
    private void startTimer() {
        long timerGeneration = generation;
        timer = scheduler.schedule(() -> onTimer(timerGeneration), maxWait.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void onTimer(long timerGeneration) {
        lock.lock();
        try {
            if (timerGeneration != generation || pending.isEmpty()) {
                return;
            }
            cutPending(false);
        } finally {
            lock.unlock();
        }
        dispatchQueued();
    }

    // Caller holds the lock. Moves the pending keys into a queued batch and starts a new pending batch.
    private void cutPending(boolean full) {
        if (timer != null) {
            timer.dispose();
            timer = null;
        }
        generation++;
        queued.add(new Batch<>(pending, full));
        pending = new LinkedHashMap<>();
    }

    private void dispatchQueued() {
        while (true) {
            Batch<K, V> batch;
            lock.lock();
            try {
                if (inFlight >= maxBatchesInFlight || queued.isEmpty()) {
                    return;
                }
                batch = queued.poll();
                inFlight++;
                sent++;
            } finally {
                lock.unlock();
            }
            send(batch);
        }
    }

    private void send(Batch<K, V> batch) {
        List<K> keys = List.copyOf(batch.callers().keySet());
        long start = scheduler.now(TimeUnit.NANOSECONDS);
        CompletionStage<Map<K, BatchResult<V>>> stage;
        try {
            stage = batchFunction.apply(keys);
        } catch (RuntimeException e) {
            finish(batch, null, e, start);
            return;
        }
        if (stage == null) {
            finish(batch, null, new IllegalStateException("The batch function of batcher '" + name
                    + "' returned null instead of a CompletionStage for " + keys.size() + " keys"), start);
            return;
        }
        stage.whenComplete((results, failure) -> finish(batch, results, failure, start));
    }

    private void finish(Batch<K, V> batch, Map<K, BatchResult<V>> results, Throwable failure, long start) {
        long latency = scheduler.now(TimeUnit.NANOSECONDS) - start;
        try {
            deliver(batch.callers(), results, unwrap(failure));
        } catch (RuntimeException e) {
            LOG.error("Batcher {} failed to deliver the results of a batch of {} keys", name, batch.callers().size(), e);
            failAll(batch.callers(), e);
        }
        lock.lock();
        try {
            inFlight--;
            adapt(batch, latency);
            completeCloseIfIdle();
        } finally {
            lock.unlock();
        }
        dispatchQueued();
    }

    private void deliver(Map<K, List<CompletableFuture<V>>> callers, Map<K, BatchResult<V>> results, Throwable failure) {
        if (failure != null) {
            failAll(callers, failure);
            return;
        }
        if (results == null) {
            failAll(callers, new IllegalStateException("The batch function of batcher '" + name
                    + "' completed with a null map for " + callers.size() + " keys; return a map with an entry per key"));
            return;
        }
        List<K> extra = new ArrayList<>();
        for (K key : results.keySet()) {
            if (!callers.containsKey(key)) {
                extra.add(key);
            }
        }
        if (!extra.isEmpty()) {
            failAll(callers, new IllegalStateException("The batch function of batcher '" + name + "' returned "
                    + results.size() + " entries for " + callers.size() + " requested keys, including keys that were not requested: "
                    + extra + ". Return exactly one entry per requested key."));
            return;
        }
        callers.forEach((key, futures) -> {
            BatchResult<V> result = results.get(key);
            if (result == null) {
                failAll(futures, new NoSuchElementException("The batch function of batcher '" + name
                        + "' returned no result for key " + key + " among " + callers.size() + " requested keys"));
            } else if (result instanceof BatchResult.Success<V> success) {
                futures.forEach(future -> future.complete(success.value()));
            } else if (result instanceof BatchResult.Failure<V> failed) {
                failAll(futures, failed.error());
            }
        });
    }

    // Caller holds the lock. Grows after a full batch within the target, shrinks after a slow one.
    private void adapt(Batch<K, V> batch, long latencyNanos) {
        if (latencyTargetNanos == 0) {
            return;
        }
        if (latencyNanos > latencyTargetNanos) {
            batchSize = Math.max(minBatchSize, batchSize / 2);
        } else if (batch.full()) {
            batchSize = Math.min(maxBatchSize, batchSize + Math.max(1, batchSize / 2));
        }
    }

    // Caller holds the lock.
    private void completeCloseIfIdle() {
        if (closing && pending.isEmpty() && queued.isEmpty() && inFlight == 0) {
            closed.complete(null);
        }
    }

    private void failAll(Map<K, List<CompletableFuture<V>>> callers, Throwable failure) {
        callers.values().forEach(futures -> failAll(futures, failure));
    }

    private static <V> void failAll(List<CompletableFuture<V>> futures, Throwable failure) {
        futures.forEach(future -> future.completeExceptionally(failure));
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
