package dev.agentforge.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import reactor.test.scheduler.VirtualTimeScheduler;

class BatcherProperties {

    /**
     * Every caller gets its own key's value, its own key's failure, or a missing-key error naming its
     * key, whatever the keys, batch size, failures and timing of the loads against the 5 ms max wait.
     */
    @Property(tries = 300)
    void everyCallerGetsItsOwnResult(
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 25) Integer> keys,
            @ForAll @IntRange(min = 1, max = 10) int maxBatchSize,
            @ForAll @IntRange(min = 1, max = 3) int maxBatchesInFlight,
            @ForAll Set<@IntRange(min = 0, max = 25) Integer> failing,
            @ForAll Set<@IntRange(min = 0, max = 25) Integer> missing,
            @ForAll @IntRange(min = 0, max = 8) int millisBetweenLoads) {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        List<List<Integer>> requests = new CopyOnWriteArrayList<>();
        Batcher<Integer, String> batcher = Batcher.<Integer, String>withResults(batch -> {
            requests.add(batch);
            Map<Integer, BatchResult<String>> results = new HashMap<>();
            for (Integer key : batch) {
                if (failing.contains(key)) {
                    results.put(key, BatchResult.failure(new IllegalStateException("failed " + key)));
                } else if (!missing.contains(key)) {
                    results.put(key, BatchResult.success("value " + key));
                }
            }
            return CompletableFuture.completedFuture(results);
        }).maxBatchSize(maxBatchSize).maxBatchesInFlight(maxBatchesInFlight).maxWait(Duration.ofMillis(5))
                .scheduler(time).build();

        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (Integer key : keys) {
            futures.add(batcher.load(key));
            time.advanceTimeBy(Duration.ofMillis(millisBetweenLoads));
        }
        batcher.closeAsync().join();
        time.dispose();

        for (int i = 0; i < keys.size(); i++) {
            int key = keys.get(i);
            CompletableFuture<String> future = futures.get(i);
            assertThat(future).as("future of key %d", key).isDone();
            Throwable failure = future.handle((value, error) -> error).join();
            if (failing.contains(key)) {
                assertThat(failure).as("key %d", key).isInstanceOf(IllegalStateException.class).hasMessage("failed " + key);
            } else if (missing.contains(key)) {
                assertThat(failure).as("key %d", key).isInstanceOf(NoSuchElementException.class)
                        .hasMessageContaining("no result for key " + key + " ");
            } else {
                assertThat(failure).as("key %d", key).isNull();
                assertThat(future.join()).isEqualTo("value " + key);
            }
        }
        for (List<Integer> request : requests) {
            assertThat(request).hasSizeLessThanOrEqualTo(maxBatchSize);
            assertThat(new HashSet<>(request)).hasSameSizeAs(request);
        }
        assertThat(requests.stream().mapToInt(List::size).sum()).isGreaterThanOrEqualTo(new HashSet<>(keys).size());
    }
}
