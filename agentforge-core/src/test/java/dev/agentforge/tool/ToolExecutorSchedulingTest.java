package dev.agentforge.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentforge.progress.CancellationToken;
import dev.agentforge.resilience.RetryPolicy;
import dev.agentforge.tool.testing.ManualTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ToolExecutorSchedulingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ManualTime time = new ManualTime();
    private final List<ToolExecutionEvent> events = new CopyOnWriteArrayList<>();
    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() {
        cleanup.reversed().forEach(Runnable::run);
    }

    private ToolExecutor.Builder executor(Tool... tools) {
        return ToolExecutor.builder(ToolRegistry.of(tools)).clock(time).scheduler(time).shutdownTimeout(WAIT);
    }

    private ToolExecutor started(ToolExecutor.Builder builder) {
        ToolExecutor executor = builder.build();
        executor.addListener(events::add);
        cleanup.add(executor::close);
        return executor;
    }

    private static ToolSettings timeout(Duration timeout) {
        return ToolSettings.builder().timeout(timeout).build();
    }

    /** Runs executeAll on a virtual thread, so the test can move the time while the calls wait. */
    private CompletableFuture<List<ToolOutcome>> executeAllInBackground(ToolExecutor executor, List<ToolCall> calls,
            CancellationToken token) {
        CompletableFuture<List<ToolOutcome>> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(executor.executeAll(calls, "run_1", "anonymous", token, outcome -> { }));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Test
    void parallelCallsSurviveTimeoutAndFailure() throws Exception {
        CountDownLatch hangInterrupted = new CountDownLatch(1);
        AtomicReference<ToolContext> hangContext = new AtomicReference<>();
        Tool quick = Tool.builder("a").description("Returns after 100 ms")
                .handler((arguments, context) -> {
                    time.sleep(Duration.ofMillis(100));
                    return "a done";
                }).build();
        Tool hang = Tool.builder("b").description("Never returns until interrupted")
                .handler((arguments, context) -> {
                    hangContext.set(context);
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        hangInterrupted.countDown();
                        throw e;
                    }
                    return "never";
                }).build();
        Tool broken = Tool.builder("c").description("Throws")
                .handler((arguments, context) -> {
                    throw new IllegalStateException("no project found");
                }).build();
        ToolExecutor executor = started(executor(quick, hang, broken).defaultSettings(timeout(Duration.ofSeconds(1))));

        CompletableFuture<List<ToolOutcome>> outcomes = executeAllInBackground(executor, List.of(
                new ToolCall("call_a", "a", "{}"), new ToolCall("call_b", "b", "{}"), new ToolCall("call_c", "c", "{}")),
                CancellationToken.create());
        time.awaitSleepers(1);
        await().atMost(WAIT).until(() -> hangContext.get() != null && finished("call_c") != null);
        time.advance(Duration.ofMillis(100));
        await().atMost(WAIT).until(() -> finished("call_a") != null);
        time.advance(Duration.ofMillis(900));

        List<ToolOutcome> result = outcomes.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result).extracting(outcome -> outcome.call().id()).containsExactly("call_a", "call_b", "call_c");
        assertThat(result.get(0).result()).isEqualTo("a done");
        assertThat(result.get(1).status()).isEqualTo(ToolOutcome.Status.TIMED_OUT);
        assertThat(result.get(1).textForModel()).contains("timed out after 1s");
        assertThat(result.get(2).error()).contains("no project found");
        assertThat(hangInterrupted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(hangContext.get().cancellation().isCancelled()).isTrue();
        assertThat(hangContext.get().cancellation().reason()).contains("timed out after 1s");

        executor.close();
        assertThat(executor.active(ToolExecutor.DEFAULT_POOL)).isZero();
    }

    @Test
    void singleCallWithoutTimeoutRunsOnCallerThread() throws Exception {
        AtomicReference<Thread> handlerThread = new AtomicReference<>();
        Tool where = Tool.builder("where").description("Records its thread")
                .handler((arguments, context) -> {
                    handlerThread.set(Thread.currentThread());
                    return "here";
                }).build();
        ToolExecutor executor = started(executor(where).settings("where", timeout(Duration.ofSeconds(5))));

        executor.executeAll(List.of(new ToolCall("c1", "where", "{}")), "run_1", "anonymous", outcome -> { });

        assertThat(handlerThread.get()).isNotSameAs(Thread.currentThread());
        assertThat(handlerThread.get().isVirtual()).isTrue();
    }

    @Test
    void poolLimitHoldsWhileTimedOutHandlersUnwind() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        AtomicInteger entered = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Tool stubborn = Tool.builder("stubborn").description("Ignores interrupts until released")
                .handler((arguments, context) -> {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    entered.incrementAndGet();
                    try {
                        while (release.getCount() > 0) {
                            LockSupport.parkNanos(1_000_000);
                        }
                    } finally {
                        inside.decrementAndGet();
                    }
                    return "done";
                }).build();
        ToolExecutor executor = started(executor(stubborn)
                .pool("slow", 2)
                .settings("stubborn", ToolSettings.builder().pool("slow").timeout(Duration.ofSeconds(1)).build()));
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            calls.add(new ToolCall("c" + i, "stubborn", "{}"));
        }

        CompletableFuture<List<ToolOutcome>> outcomes = executeAllInBackground(executor, calls, CancellationToken.create());
        await().atMost(WAIT).until(() -> entered.get() == 2);
        time.advance(Duration.ofSeconds(1));
        await().atMost(WAIT).until(() -> finished("c1") != null && finished("c2") != null);

        assertThat(executor.active("slow")).isEqualTo(2);
        assertThat(executor.queued("slow")).isEqualTo(4);
        assertThat(entered.get()).isEqualTo(2);

        release.countDown();
        List<ToolOutcome> result = outcomes.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.get(0).status()).isEqualTo(ToolOutcome.Status.TIMED_OUT);
        assertThat(result.get(1).status()).isEqualTo(ToolOutcome.Status.TIMED_OUT);
        assertThat(result.subList(2, 6)).extracting(ToolOutcome::result).containsOnly("done");
        assertThat(maxInside.get()).isEqualTo(2);
    }

    @Test
    void lowPriorityIsNotStarvedByHighPriority() throws Exception {
        ConcurrentHashMap<String, CountDownLatch> gates = new ConcurrentHashMap<>();
        BlockingQueue<String> startOrder = new LinkedBlockingQueue<>();
        Tool gated = Tool.builder("gated").description("Waits for its gate")
                .parameters("{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}")
                .handler((arguments, context) -> {
                    String id = arguments.get("id").asString();
                    startOrder.add(id);
                    gates.computeIfAbsent(id, key -> new CountDownLatch(1)).await();
                    return id;
                }).build();
        Tool gatedLow = Tool.builder("gated_low").description("Waits for its gate, at low priority")
                .parameters(gated.parameters())
                .handler(gated::execute).build();
        ToolExecutor executor = started(executor(gated, gatedLow)
                .pool(ToolExecutor.DEFAULT_POOL, 1)
                .agingInterval(Duration.ofMillis(100))
                .settings("gated", ToolSettings.builder().priority(ToolPriority.HIGH).build())
                .settings("gated_low", ToolSettings.builder().priority(ToolPriority.LOW).build()));

        List<CompletableFuture<List<ToolOutcome>>> turns = new ArrayList<>();
        turns.add(executeAllInBackground(executor, List.of(call("gated", "h0")), CancellationToken.create()));
        assertThat(startOrder.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("h0");
        turns.add(executeAllInBackground(executor, List.of(call("gated_low", "low")), CancellationToken.create()));
        await().atMost(WAIT).until(() -> executor.queued() == 1);

        List<String> started = new ArrayList<>();
        String running = "h0";
        for (int i = 1; i <= 8 && !started.contains("low"); i++) {
            String id = "h" + i;
            turns.add(executeAllInBackground(executor, List.of(call("gated", id)), CancellationToken.create()));
            int expectedQueued = 2;
            await().atMost(WAIT).until(() -> executor.queued() == expectedQueued);
            time.advance(Duration.ofMillis(50));
            gates.computeIfAbsent(running, key -> new CountDownLatch(1)).countDown();
            running = startOrder.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            started.add(running);
        }

        assertThat(started).contains("low");
        assertThat(started.indexOf("low")).isLessThanOrEqualTo(4);
        // Closing the executor interrupts the handlers still waiting for their gates.
        executor.close();
    }

    private static ToolCall call(String tool, String id) {
        return new ToolCall("call_" + id, tool, "{\"id\":\"" + id + "\"}");
    }

    @Test
    void fullQueueRejectsWithReadableOutcome() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Tool blocking = Tool.builder("blocking").description("Waits until released")
                .handler((arguments, context) -> {
                    release.await();
                    return "done";
                }).build();
        ToolExecutor executor = started(executor(blocking).pool(ToolExecutor.DEFAULT_POOL, 1).queueCapacity(1));

        CompletableFuture<List<ToolOutcome>> outcomes = executeAllInBackground(executor, List.of(
                new ToolCall("c1", "blocking", "{}"), new ToolCall("c2", "blocking", "{}"),
                new ToolCall("c3", "blocking", "{}")), CancellationToken.create());
        await().atMost(WAIT).until(() -> finished("c3") != null);
        release.countDown();

        List<ToolOutcome> result = outcomes.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.get(0).result()).isEqualTo("done");
        assertThat(result.get(1).result()).isEqualTo("done");
        assertThat(result.get(2).status()).isEqualTo(ToolOutcome.Status.REJECTED);
        assertThat(result.get(2).error()).contains("tool queue is full (1 calls waiting)");
    }

    @Test
    void resourcePermitsLimitCallsAcrossPools() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ToolHandler usesDb = (arguments, context) -> {
            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                release.await();
            } finally {
                inside.decrementAndGet();
            }
            return "ok";
        };
        Tool reports = Tool.builder("reports").description("Uses the database").handler(usesDb).build();
        Tool search = Tool.builder("search").description("Uses the database too").handler(usesDb).build();
        ToolExecutor executor = started(executor(reports, search)
                .pool("reporting", 4)
                .pool("searching", 4)
                .resource("db", 2)
                .settings("reports", ToolSettings.builder().pool("reporting").resource("db", 1).build())
                .settings("search", ToolSettings.builder().pool("searching").resource("db", 1).build()));

        CompletableFuture<List<ToolOutcome>> outcomes = executeAllInBackground(executor, List.of(
                new ToolCall("c1", "reports", "{}"), new ToolCall("c2", "search", "{}"),
                new ToolCall("c3", "reports", "{}"), new ToolCall("c4", "search", "{}")), CancellationToken.create());
        await().atMost(WAIT).until(() -> inside.get() == 2 && executor.queued() == 2);
        assertThat(executor.availablePermits("db")).isZero();
        release.countDown();

        assertThat(outcomes.get(WAIT.toSeconds(), TimeUnit.SECONDS)).extracting(ToolOutcome::result).containsOnly("ok");
        assertThat(maxInside.get()).isEqualTo(2);
        // Permits come back when each handler has returned, which may be just after its outcome.
        await().atMost(WAIT).until(() -> executor.availablePermits("db") == 2);
    }

    @Test
    void retryableFailureIsRetriedThroughPolicy() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        List<Duration> waits = new CopyOnWriteArrayList<>();
        Tool flaky = Tool.builder("flaky").description("Fails twice, then works")
                .handler((arguments, context) -> {
                    if (attempts.incrementAndGet() < 3) {
                        throw new ToolException("the index is rebuilding", true, null);
                    }
                    return "found";
                }).build();
        Tool picky = Tool.builder("picky").description("Always rejects its input")
                .handler((arguments, context) -> {
                    throw new ToolException("Use an ISO date");
                }).build();
        RetryPolicy policy = RetryPolicy.builder("tool:flaky").maxAttempts(3)
                .backoff(Duration.ofMillis(100), 2, Duration.ofSeconds(1)).jitter(0.5).sleeper(waits::add).build();
        ToolSettings retrying = ToolSettings.builder().retry(policy).build();
        ToolExecutor executor = started(executor(flaky, picky).settings("flaky", retrying).settings("picky", retrying));

        ToolOutcome outcome = executor.execute(new ToolCall("c1", "flaky", "{}"), "run_1", "anonymous");
        ToolOutcome rejected = executor.execute(new ToolCall("c2", "picky", "{}"), "run_1", "anonymous");

        assertThat(outcome.result()).isEqualTo("found");
        assertThat(waits).hasSize(2);
        assertThat(waits.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(150));
        assertThat(waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(300));
        assertThat(((ToolExecutionEvent.Finished) finished("c1")).attempts()).isEqualTo(3);
        assertThat(rejected.error()).isEqualTo("Use an ISO date");
        assertThat(((ToolExecutionEvent.Finished) finished("c2")).attempts()).isEqualTo(1);
    }

    @Test
    void nestedCallDoesNotDeadlockItsPool() throws Exception {
        AtomicReference<ToolExecutor> self = new AtomicReference<>();
        Tool inner = Tool.builder("inner").description("Returns a constant").handler((arguments, context) -> "inner").build();
        Tool outer = Tool.builder("outer").description("Calls inner through the executor")
                .handler((arguments, context) -> {
                    ToolOutcome nested = self.get().execute(new ToolCall("nested", "inner", "{}"), context);
                    return "outer+" + nested.result();
                }).build();
        ToolExecutor executor = started(executor(outer, inner).pool(ToolExecutor.DEFAULT_POOL, 1)
                .defaultSettings(timeout(Duration.ofSeconds(30))));
        self.set(executor);

        ToolOutcome outcome = executor.execute(new ToolCall("c1", "outer", "{}"), "run_1", "anonymous");

        assertThat(outcome.result()).isEqualTo("outer+inner");
        ToolExecutionEvent.Started nestedStart = events.stream()
                .filter(event -> event instanceof ToolExecutionEvent.Started started && started.callId().equals("nested"))
                .map(ToolExecutionEvent.Started.class::cast).findFirst().orElseThrow();
        assertThat(nestedStart.nested()).isTrue();
    }

    @Test
    void listenerSeesEveryStageInOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Tool blocking = Tool.builder("blocking").description("Waits until released")
                .handler((arguments, context) -> {
                    release.await();
                    return "done";
                }).build();
        ToolExecutor executor = started(executor(blocking).pool(ToolExecutor.DEFAULT_POOL, 1));

        CompletableFuture<List<ToolOutcome>> outcomes = executeAllInBackground(executor, List.of(
                new ToolCall("c1", "blocking", "{}"), new ToolCall("c2", "blocking", "{}")), CancellationToken.create());
        await().atMost(WAIT).until(() -> executor.queued() == 1);
        time.advance(Duration.ofMillis(250));
        release.countDown();
        outcomes.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> eventsOf("c2").size() == 4);

        assertThat(eventsOf("c2")).extracting(event -> event.getClass().getSimpleName())
                .containsExactly("Queued", "Started", "Finished", "Released");
        ToolExecutionEvent.Finished finished = (ToolExecutionEvent.Finished) finished("c2");
        assertThat(finished.status()).isEqualTo(ToolOutcome.Status.SUCCEEDED);
        assertThat(finished.waited()).isEqualTo(Duration.ofMillis(250));
        assertThat(eventsOf("c1")).extracting(event -> event.getClass().getSimpleName())
                .containsExactly("Started", "Finished", "Released");
    }

    @Test
    void metricsCountOutcomesAndQueueDepth() throws Exception {
        Tool ok = Tool.builder("ok").description("Works").handler((arguments, context) -> "fine").build();
        ToolExecutor executor = started(executor(ok));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        executor.bindTo(meters);

        executor.execute(new ToolCall("c1", "ok", "{}"), "run_1", "anonymous");
        executor.execute(new ToolCall("c2", "nope", "{}"), "run_1", "anonymous");

        assertThat(meters.get("agentforge.tool.calls").tags("tool", "ok", "outcome", "succeeded").counter().count())
                .isEqualTo(1.0);
        assertThat(meters.get("agentforge.tool.calls").tags("tool", "unresolved", "outcome", "failed").counter().count())
                .isEqualTo(1.0);
        assertThat(meters.get("agentforge.tool.run").tags("tool", "ok").timer().count()).isEqualTo(1);
        assertThat(meters.get("agentforge.tool.queue.depth").tags("pool", "default").gauge().value()).isZero();
        assertThat(meters.get("agentforge.tool.limit").tags("pool", "default").gauge().value())
                .isEqualTo(ToolExecutor.DEFAULT_POOL_LIMIT);
    }

    @Test
    void runCancellationStopsQueuedAndRunningCalls() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        Tool blocking = Tool.builder("blocking").description("Waits until interrupted")
                .handler((arguments, context) -> {
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                    return "never";
                }).build();
        ToolExecutor executor = started(executor(blocking).pool(ToolExecutor.DEFAULT_POOL, 1));
        CancellationToken run = CancellationToken.create();

        CompletableFuture<List<ToolOutcome>> outcomes = executeAllInBackground(executor, List.of(
                new ToolCall("c1", "blocking", "{}"), new ToolCall("c2", "blocking", "{}")), run);
        await().atMost(WAIT).until(() -> executor.queued() == 1);
        run.cancel("the user pressed stop");

        List<ToolOutcome> result = outcomes.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result).extracting(ToolOutcome::status).containsOnly(ToolOutcome.Status.CANCELLED);
        assertThat(result.get(1).error()).contains("the user pressed stop");
        assertThat(interrupted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        await().atMost(WAIT).until(() -> executor.active(ToolExecutor.DEFAULT_POOL) == 0);
        assertThat(executor.queued()).isZero();
    }

    @Test
    void closeReturnsWhileHandlerIgnoresInterrupts() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Tool stubborn = Tool.builder("stubborn").description("Ignores interrupts")
                .handler((arguments, context) -> {
                    entered.countDown();
                    while (release.getCount() > 0) {
                        LockSupport.parkNanos(1_000_000);
                    }
                    return "late";
                }).build();
        ToolExecutor executor = ToolExecutor.builder(ToolRegistry.of(stubborn)).clock(time).scheduler(time)
                .shutdownTimeout(Duration.ofMillis(50)).defaultSettings(timeout(Duration.ofMinutes(1))).build();
        cleanup.add(release::countDown);

        CompletableFuture<List<ToolOutcome>> outcomes = executeAllInBackground(executor,
                List.of(new ToolCall("c1", "stubborn", "{}")), CancellationToken.create());
        assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        executor.close();

        assertThat(outcomes.get(WAIT.toSeconds(), TimeUnit.SECONDS).getFirst().status()).isEqualTo(ToolOutcome.Status.CANCELLED);
        ToolOutcome afterClose = executor.execute(new ToolCall("c2", "stubborn", "{}"), "run_1", "anonymous");
        assertThat(afterClose.status()).isEqualTo(ToolOutcome.Status.REJECTED);
        assertThat(executor.active(ToolExecutor.DEFAULT_POOL)).isEqualTo(1);
    }

    @Test
    void undefinedPoolInDeclaredSettingsFailsTheCall() {
        Tool misconfigured = Tool.builder("misconfigured").description("Names a pool nobody defined")
                .settings(ToolSettings.builder().pool("gpu").build())
                .handler((arguments, context) -> "never").build();
        ToolExecutor executor = started(executor(misconfigured));

        ToolOutcome outcome = executor.execute(new ToolCall("c1", "misconfigured", "{}"), "run_1", "anonymous");

        assertThat(outcome.status()).isEqualTo(ToolOutcome.Status.FAILED);
        assertThat(outcome.error()).contains("pool 'gpu' is not defined");
    }

    private ToolExecutionEvent finished(String callId) {
        return events.stream()
                .filter(event -> event instanceof ToolExecutionEvent.Finished && event.callId().equals(callId))
                .findFirst().orElse(null);
    }

    private List<ToolExecutionEvent> eventsOf(String callId) {
        return events.stream().filter(event -> event.callId().equals(callId)).toList();
    }
}
