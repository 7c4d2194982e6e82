package dev.agentforge.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ToolExecutorTest {

    private final CountDownLatch releaseFirst = new CountDownLatch(1);
    private final CountDownLatch firstInterrupted = new CountDownLatch(1);

    private ToolRegistry registry() {
        return ToolRegistry.of(
                Tool.builder("slow").description("Waits until released")
                        .handler((arguments, context) -> {
                            releaseFirst.await();
                            return "slow done";
                        }).build(),
                Tool.builder("fast").description("Returns at once, and releases slow")
                        .handler((arguments, context) -> {
                            releaseFirst.countDown();
                            return "fast done";
                        }).build(),
                Tool.builder("broken").description("Throws")
                        .handler((arguments, context) -> {
                            throw new IllegalStateException("no project found");
                        }).build(),
                Tool.builder("hang").description("Blocks until interrupted")
                        .handler((arguments, context) -> {
                            try {
                                new CountDownLatch(1).await();
                            } catch (InterruptedException e) {
                                firstInterrupted.countDown();
                                throw e;
                            }
                            return "never";
                        }).build());
    }

    @Test
    void resultsComeBackInCallOrder() throws Exception {
        try (ToolExecutor executor = new ToolExecutor(registry())) {
            List<String> seen = new CopyOnWriteArrayList<>();

            List<ToolOutcome> outcomes = executor.executeAll(List.of(
                    new ToolCall("c1", "slow", "{}"),
                    new ToolCall("c2", "fast", "{}")), "run_1", "anonymous", outcome -> seen.add(outcome.call().id()));

            assertThat(outcomes).extracting(ToolOutcome::result).containsExactly("slow done", "fast done");
            assertThat(seen).containsExactly("c1", "c2");
        }
    }

    @Test
    void failuresDoNotLoseSiblings() throws Exception {
        try (ToolExecutor executor = new ToolExecutor(registry())) {
            List<ToolOutcome> outcomes = executor.executeAll(List.of(
                    new ToolCall("c1", "fast", "{}"),
                    new ToolCall("c2", "broken", "{}"),
                    new ToolCall("c3", "missing", "{}"),
                    new ToolCall("c4", "slow", "{}")), "run_1", "anonymous", outcome -> { });

            assertThat(outcomes).extracting(outcome -> outcome.call().id()).containsExactly("c1", "c2", "c3", "c4");
            assertThat(outcomes.get(0).result()).isEqualTo("fast done");
            assertThat(outcomes.get(1).error()).contains("no project found");
            assertThat(outcomes.get(2).error()).contains("Unknown tool 'missing'");
            assertThat(outcomes.get(3).result()).isEqualTo("slow done");
        }
    }

    @Test
    void singleCallRunsOnTheCallersThread() throws Exception {
        AtomicReference<Thread> toolThread = new AtomicReference<>();
        ToolRegistry registry = ToolRegistry.of(Tool.builder("where").description("Records its thread")
                .handler((arguments, context) -> {
                    toolThread.set(Thread.currentThread());
                    return "here";
                }).build());
        try (ToolExecutor executor = new ToolExecutor(registry)) {
            executor.executeAll(List.of(new ToolCall("c1", "where", "{}")), "run_1", "anonymous", outcome -> { });

            assertThat(toolThread.get()).isSameAs(Thread.currentThread());
        }
    }

    @Test
    void interruptingTheCallerInterruptsRunningCalls() throws Exception {
        try (ToolExecutor executor = new ToolExecutor(registry())) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    executor.executeAll(List.of(new ToolCall("c1", "hang", "{}"), new ToolCall("c2", "hang", "{}")),
                            "run_1", "anonymous", outcome -> { });
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> caller.getState() == Thread.State.WAITING);
            caller.interrupt();

            assertThat(firstInterrupted.await(10, TimeUnit.SECONDS)).isTrue();
            caller.join(Duration.ofSeconds(10));
            assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        }
    }

    @Test
    void structuredResultsBecomeJson() throws Exception {
        ToolRegistry registry = ToolRegistry.of(Tool.builder("map").description("Returns a map")
                .handler((arguments, context) -> java.util.Map.of("total", 12)).build());
        try (ToolExecutor executor = new ToolExecutor(registry)) {
            ToolOutcome outcome = executor.execute(new ToolCall("c1", "map", "{}"), "run_1", "anonymous");

            assertThat(outcome.result()).isEqualTo("{\"total\":12}");
        }
    }

    @Test
    void toolExceptionMessageReachesTheModel() throws Exception {
        ToolRegistry registry = ToolRegistry.of(Tool.builder("picky").description("Rejects")
                .handler((arguments, context) -> {
                    throw new ToolException("Use a date in ISO format, such as 2026-12-04");
                }).build());
        try (ToolExecutor executor = new ToolExecutor(registry)) {
            ToolOutcome outcome = executor.execute(new ToolCall("c1", "picky", "{}"), "run_1", "anonymous");

            assertThat(outcome.error()).isEqualTo("Use a date in ISO format, such as 2026-12-04");
            assertThat(outcome.textForModel()).isEqualTo("Error: Use a date in ISO format, such as 2026-12-04");
        }
    }
}
