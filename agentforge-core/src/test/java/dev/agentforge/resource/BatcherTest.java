package dev.agentforge.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

class BatcherTest {

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final List<List<String>> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void disposeScheduler() {
        time.dispose();
    }

    // Answers each key with its upper case, in an order unlike the request's.
    private CompletableFuture<Map<String, String>> upperCase(List<String> keys) {
        requests.add(keys);
        Map<String, String> results = new HashMap<>();
        keys.reversed().forEach(key -> results.put(key, key.toUpperCase()));
        return CompletableFuture.completedFuture(results);
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        return future.handle((value, error) -> error).join();
    }

    @Test
    void fullBatchIsSentAtOnce() {
        Batcher<String, String> batcher = Batcher.builder(this::upperCase).maxBatchSize(3).maxWait(Duration.ofSeconds(1))
                .scheduler(time).build();

        CompletableFuture<String> a = batcher.load("a");
        CompletableFuture<String> b = batcher.load("b");
        assertThat(requests).isEmpty();
        CompletableFuture<String> c = batcher.load("c");

        assertThat(requests).containsExactly(List.of("a", "b", "c"));
        assertThat(a.join()).isEqualTo("A");
        assertThat(b.join()).isEqualTo("B");
        assertThat(c.join()).isEqualTo("C");
    }

    @Test
    void maxWaitCountsFromFirstKey() {
        Batcher<String, String> batcher = Batcher.builder(this::upperCase).maxBatchSize(10)
                .maxWait(Duration.ofMillis(10)).scheduler(time).build();

        batcher.load("a");
        time.advanceTimeBy(Duration.ofMillis(6));
        batcher.load("b");
        time.advanceTimeBy(Duration.ofMillis(3));
        assertThat(requests).as("after 9 ms").isEmpty();
        time.advanceTimeBy(Duration.ofMillis(1));

        assertThat(requests).as("after 10 ms").containsExactly(List.of("a", "b"));
        time.advanceTimeBy(Duration.ofMillis(100));
        assertThat(requests).hasSize(1);
    }

    @Test
    void newBatchStartsItsOwnWait() {
        Batcher<String, String> batcher = Batcher.builder(this::upperCase).maxBatchSize(2)
                .maxWait(Duration.ofMillis(10)).scheduler(time).build();

        batcher.load("a");
        time.advanceTimeBy(Duration.ofMillis(5));
        batcher.load("b");
        batcher.load("c");
        time.advanceTimeBy(Duration.ofMillis(9));
        assertThat(requests).containsExactly(List.of("a", "b"));
        time.advanceTimeBy(Duration.ofMillis(1));

        assertThat(requests).containsExactly(List.of("a", "b"), List.of("c"));
    }

    @Test
    void sameKeySharesOneRequest() {
        Batcher<String, String> batcher = Batcher.builder(this::upperCase).maxBatchSize(2).scheduler(time).build();

        CompletableFuture<String> first = batcher.load("a");
        CompletableFuture<String> second = batcher.load("a");
        batcher.load("b");

        assertThat(requests).containsExactly(List.of("a", "b"));
        assertThat(first.join()).isEqualTo("A");
        assertThat(second.join()).isEqualTo("A");
    }

    @Test
    void batchesInFlightAreLimited() {
        List<CompletableFuture<Map<String, String>>> running = new CopyOnWriteArrayList<>();
        Batcher<String, String> batcher = Batcher.<String, String>builder(keys -> {
            requests.add(keys);
            CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
            running.add(result);
            return result;
        }).maxBatchSize(1).maxBatchesInFlight(2).scheduler(time).build();

        CompletableFuture<String> a = batcher.load("a");
        batcher.load("b");
        CompletableFuture<String> c = batcher.load("c");
        assertThat(requests).containsExactly(List.of("a"), List.of("b"));
        assertThat(batcher.batchesInFlight()).isEqualTo(2);

        running.getFirst().complete(Map.of("a", "A"));

        assertThat(a.join()).isEqualTo("A");
        assertThat(requests).containsExactly(List.of("a"), List.of("b"), List.of("c"));
        assertThat(c).isNotDone();
    }

    @Test
    void missingKeyFailsOnlyItsCaller() {
        Batcher<String, String> batcher = Batcher.<String, String>builder(
                keys -> CompletableFuture.completedFuture(Map.of("a", "A"))).maxBatchSize(2).scheduler(time).build();

        CompletableFuture<String> a = batcher.load("a");
        CompletableFuture<String> b = batcher.load("b");

        assertThat(a.join()).isEqualTo("A");
        assertThat(failureOf(b)).isInstanceOf(NoSuchElementException.class)
                .hasMessage("The batch function of batcher 'batcher' returned no result for key b among 2 requested keys");
    }

    @Test
    void failedResultFailsOnlyItsCaller() {
        IllegalArgumentException notFound = new IllegalArgumentException("no user b");
        Batcher<String, String> batcher = Batcher.<String, String>withResults(keys -> CompletableFuture.completedFuture(
                Map.of("a", BatchResult.success("A"), "b", BatchResult.failure(notFound))))
                .maxBatchSize(2).scheduler(time).build();

        CompletableFuture<String> a = batcher.load("a");
        CompletableFuture<String> b = batcher.load("b");

        assertThat(a.join()).isEqualTo("A");
        assertThat(failureOf(b)).isSameAs(notFound);
    }

    @Test
    void throwingBatchFunctionFailsEveryCaller() {
        IllegalStateException broken = new IllegalStateException("service down");
        Batcher<String, String> batcher = Batcher.<String, String>builder(keys -> {
            throw broken;
        }).maxBatchSize(2).scheduler(time).build();

        CompletableFuture<String> a = batcher.load("a");
        CompletableFuture<String> b = batcher.load("b");

        assertThat(failureOf(a)).isSameAs(broken);
        assertThat(failureOf(b)).isSameAs(broken);
        assertThat(batcher.batchesInFlight()).isZero();
    }

    @Test
    void failedStageFailsEveryCallerWithItsCause() {
        IllegalStateException broken = new IllegalStateException("HTTP 500");
        Batcher<String, String> batcher = Batcher.<String, String>builder(
                keys -> CompletableFuture.failedFuture(new CompletionException(broken))).maxBatchSize(2).scheduler(time).build();

        CompletableFuture<String> a = batcher.load("a");
        CompletableFuture<String> b = batcher.load("b");

        assertThat(failureOf(a)).isSameAs(broken);
        assertThat(failureOf(b)).isSameAs(broken);
    }

    @Test
    void extraKeysFailEveryCaller() {
        Batcher<String, String> batcher = Batcher.<String, String>builder(keys -> CompletableFuture.completedFuture(
                Map.of("a", "A", "b", "B", "z", "Z"))).maxBatchSize(2).scheduler(time).build();

        CompletableFuture<String> a = batcher.load("a");
        CompletableFuture<String> b = batcher.load("b");

        String expected = "The batch function of batcher 'batcher' returned 3 entries for 2 requested keys, including"
                + " keys that were not requested: [z]. Return exactly one entry per requested key.";
        assertThat(failureOf(a)).isInstanceOf(IllegalStateException.class).hasMessage(expected);
        assertThat(failureOf(b)).hasMessage(expected);
    }

    @Test
    void nullStageFailsEveryCaller() {
        Batcher<String, String> batcher = Batcher.<String, String>builder(keys -> null).maxBatchSize(1).name("users")
                .scheduler(time).build();

        assertThat(failureOf(batcher.load("a"))).hasMessage(
                "The batch function of batcher 'users' returned null instead of a CompletionStage for 1 keys");
    }

    @Test
    void adaptiveSizeFollowsLatency() {
        List<CompletableFuture<Map<String, String>>> running = new CopyOnWriteArrayList<>();
        Batcher<String, String> batcher = Batcher.<String, String>builder(keys -> {
            requests.add(keys);
            CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
            running.add(result);
            return result;
        }).adaptive(2, 8, Duration.ofMillis(100)).maxWait(Duration.ofSeconds(1)).scheduler(time).build();
        assertThat(batcher.batchSize()).isEqualTo(2);

        loadAndFinish(batcher, running, 2, Duration.ofMillis(50));
        assertThat(batcher.batchSize()).as("after a fast full batch").isEqualTo(3);
        loadAndFinish(batcher, running, 3, Duration.ofMillis(50));
        assertThat(batcher.batchSize()).isEqualTo(4);
        loadAndFinish(batcher, running, 4, Duration.ofMillis(50));
        assertThat(batcher.batchSize()).isEqualTo(6);
        loadAndFinish(batcher, running, 6, Duration.ofMillis(50));
        assertThat(batcher.batchSize()).isEqualTo(8);
        loadAndFinish(batcher, running, 8, Duration.ofMillis(50));
        assertThat(batcher.batchSize()).as("capped at max").isEqualTo(8);
        loadAndFinish(batcher, running, 8, Duration.ofMillis(150));
        assertThat(batcher.batchSize()).as("after a slow batch").isEqualTo(4);
        loadAndFinish(batcher, running, 4, Duration.ofMillis(150));
        loadAndFinish(batcher, running, 2, Duration.ofMillis(150));
        assertThat(batcher.batchSize()).as("floored at min").isEqualTo(2);
    }

    private int nextKey;

    private void loadAndFinish(Batcher<String, String> batcher, List<CompletableFuture<Map<String, String>>> running,
            int keys, Duration latency) {
        int before = running.size();
        Map<String, String> results = new HashMap<>();
        for (int i = 0; i < keys; i++) {
            String key = "k" + nextKey++;
            results.put(key, key);
            batcher.load(key);
        }
        assertThat(running).as("a full batch was sent").hasSize(before + 1);
        time.advanceTimeBy(latency);
        running.getLast().complete(results);
    }

    @Test
    void closeSendsPendingKeysThenCompletes() {
        CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
        Batcher<String, String> batcher = Batcher.<String, String>builder(keys -> {
            requests.add(keys);
            return result;
        }).maxBatchSize(10).maxWait(Duration.ofMinutes(1)).scheduler(time).build();
        CompletableFuture<String> a = batcher.load("a");

        CompletableFuture<Void> closed = batcher.closeAsync();

        assertThat(requests).containsExactly(List.of("a"));
        assertThat(closed).isNotDone();
        result.complete(Map.of("a", "A"));
        assertThat(closed).isCompleted();
        assertThat(a.join()).isEqualTo("A");
        assertThat(failureOf(batcher.load("b"))).isInstanceOf(IllegalStateException.class)
                .hasMessage("Batcher 'batcher' is closed and rejects load(b); load keys before calling close()");
    }

    @Test
    void closeWithNothingPendingCompletesAtOnce() {
        Batcher<String, String> batcher = Batcher.builder(this::upperCase).scheduler(time).build();

        batcher.close();

        assertThat(batcher.closeAsync()).isCompleted();
    }

    @Test
    void invalidSettingsNameTheFix() {
        assertThatThrownBy(() -> Batcher.builder(this::upperCase).adaptive(5, 2, Duration.ofMillis(10)))
                .hasMessage("Invalid adaptive batch size bounds 5..2: use 1 <= min <= max");
        assertThatThrownBy(() -> Batcher.builder(this::upperCase).maxBatchesInFlight(0))
                .hasMessage("Invalid maxBatchesInFlight 0: use 1 or more");
    }
}
