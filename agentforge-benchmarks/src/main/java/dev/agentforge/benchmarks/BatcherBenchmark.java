package dev.agentforge.benchmarks;

import dev.agentforge.resource.Batcher;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Loads per second through a {@link Batcher Batcher&lt;Integer, String&gt;} whose batch function
 * looks the keys up in an array and returns a completed future, so the score is the batcher's own cost.
 * One operation is one {@code load} whose result the caller has received.
 *
 * <ul>
 * <li>{@code singleCallerBurst}: one thread starts {@value #BURST} loads, then waits for all of them.
 * <li>{@code platformThreadCallers}: {@value #PLATFORM_CALLERS} threads, each waiting for its load
 *     before it starts the next one.
 * <li>{@code virtualThreadCallers}: {@value #VIRTUAL_CALLERS} virtual threads started per invocation,
 *     each making one load and waiting for it.
 * <li>{@code virtualThreadCallersWithoutBatcher}: the same virtual threads calling the batch function
 *     with one key each, the baseline for the cost of the threads themselves.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BatcherBenchmark {

    static final int BURST = 128;
    static final int PLATFORM_CALLERS = 4;
    static final int VIRTUAL_CALLERS = 256;

    // Keys wrap around at this bound so that the batch function can index an array of prepared values.
    private static final int KEY_SPACE = 1 << 16;
    private static final String[] VALUES = new String[KEY_SPACE];

    static {
        for (int i = 0; i < KEY_SPACE; i++) {
            VALUES[i] = "value-" + i;
        }
    }

    static CompletionStage<Map<Integer, String>> lookUp(List<Integer> keys) {
        Map<Integer, String> values = HashMap.newHashMap(keys.size());
        for (Integer key : keys) {
            values.put(key, VALUES[key]);
        }
        return CompletableFuture.completedFuture(values);
    }

    /** The batcher under test, one per trial and per combination of parameters. */
    @State(Scope.Benchmark)
    public static class BatcherState {

        @Param({"1", "16", "128"})
        int batchSize;

        @Param({"0", "1"})
        int maxWaitMillis;

        Batcher<Integer, String> batcher;
        private final AtomicInteger nextKey = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() {
            batcher = Batcher.builder(BatcherBenchmark::lookUp)
                    .name("benchmark")
                    .maxBatchSize(batchSize)
                    .maxWait(Duration.ofMillis(maxWaitMillis))
                    .build();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            batcher.close();
        }

        int nextKey() {
            return nextKey.getAndIncrement() & (KEY_SPACE - 1);
        }
    }

    /** The executor that starts one virtual thread per task. */
    @State(Scope.Benchmark)
    public static class VirtualThreads {

        ExecutorService executor;
        private final AtomicInteger nextKey = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() {
            executor = Executors.newVirtualThreadPerTaskExecutor();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            executor.close();
        }

        int nextKey() {
            return nextKey.getAndIncrement() & (KEY_SPACE - 1);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void singleCallerBurst(BatcherState state, Blackhole blackhole) {
        @SuppressWarnings("unchecked")
        CompletableFuture<String>[] futures = new CompletableFuture[BURST];
        for (int i = 0; i < BURST; i++) {
            futures[i] = state.batcher.load(state.nextKey());
        }
        for (CompletableFuture<String> future : futures) {
            blackhole.consume(future.join());
        }
    }

    @Benchmark
    @Threads(PLATFORM_CALLERS)
    public String platformThreadCallers(BatcherState state) {
        return state.batcher.load(state.nextKey()).join();
    }

    @Benchmark
    @OperationsPerInvocation(VIRTUAL_CALLERS)
    public void virtualThreadCallers(BatcherState state, VirtualThreads threads, Blackhole blackhole)
            throws Exception {
        @SuppressWarnings("unchecked")
        Future<String>[] results = new Future[VIRTUAL_CALLERS];
        for (int i = 0; i < VIRTUAL_CALLERS; i++) {
            int key = state.nextKey();
            results[i] = threads.executor.submit(() -> state.batcher.load(key).join());
        }
        for (Future<String> result : results) {
            blackhole.consume(result.get());
        }
    }

    @Benchmark
    @OperationsPerInvocation(VIRTUAL_CALLERS)
    public void virtualThreadCallersWithoutBatcher(VirtualThreads threads, Blackhole blackhole) throws Exception {
        @SuppressWarnings("unchecked")
        Future<String>[] results = new Future[VIRTUAL_CALLERS];
        for (int i = 0; i < VIRTUAL_CALLERS; i++) {
            Integer key = threads.nextKey();
            results[i] = threads.executor.submit(
                    () -> lookUp(List.of(key)).toCompletableFuture().join().get(key));
        }
        for (Future<String> result : results) {
            blackhole.consume(result.get());
        }
    }
}
