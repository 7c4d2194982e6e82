package dev.agentforge.tool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.resilience.ResilientTool;
import dev.agentforge.resilience.RetryPolicy;
import dev.agentforge.tool.testing.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ToolLifecyclesTest {

    private static final JsonNode EMPTY_SCHEMA = JsonMapper.builder().build().readTree("{\"type\":\"object\",\"properties\":{}}");

    private final List<String> journal = new CopyOnWriteArrayList<>();

    /** A tool with a lifecycle whose health the test sets. */
    private final class ManagedTool implements Tool, ToolLifecycle {
        final String name;
        final AtomicInteger initializations = new AtomicInteger();
        final CountDownLatch initializeGate;
        volatile ToolHealth health = ToolHealth.up();
        volatile boolean hangOnHealthCheck;

        ManagedTool(String name, CountDownLatch initializeGate) {
            this.name = name;
            this.initializeGate = initializeGate;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return "A managed tool";
        }

        @Override
        public JsonNode parameters() {
            return EMPTY_SCHEMA;
        }

        @Override
        public Object execute(JsonNode arguments, ToolContext context) {
            return name + " answered";
        }

        @Override
        public void initialize() throws Exception {
            initializations.incrementAndGet();
            initializeGate.await();
            journal.add("initialize " + name);
        }

        @Override
        public ToolHealth checkHealth() throws Exception {
            if (hangOnHealthCheck) {
                new CountDownLatch(1).await();
            }
            return health;
        }

        @Override
        public void close() {
            journal.add("close " + name);
        }
    }

    private ManagedTool tool(String name) {
        return new ManagedTool(name, new CountDownLatch(0));
    }

    @Test
    void concurrentFirstUseInitializesOnce() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        ManagedTool database = new ManagedTool("database", gate);
        try (ToolExecutor executor = new ToolExecutor(ToolRegistry.of(database))) {
            List<ToolCall> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(new ToolCall("c" + i, "database", "{}"));
            }
            CompletableFuture<List<ToolOutcome>> outcomes = CompletableFuture.supplyAsync(() -> {
                try {
                    return executor.executeAll(calls, "run_1", "anonymous", outcome -> { });
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, command -> Thread.ofVirtual().start(command));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> database.initializations.get() == 1);
            gate.countDown();

            assertThat(outcomes.get(10, TimeUnit.SECONDS)).extracting(ToolOutcome::result).containsOnly("database answered");
            assertThat(database.initializations.get()).isEqualTo(1);
        }
    }

    @Test
    void closeRunsInReverseInitializationOrder() throws Exception {
        ManagedTool first = tool("first");
        ManagedTool second = tool("second");
        ToolExecutor executor = new ToolExecutor(ToolRegistry.of(first, second));
        executor.execute(new ToolCall("c1", "second", "{}"), "run_1", "anonymous");
        executor.execute(new ToolCall("c2", "first", "{}"), "run_1", "anonymous");

        executor.close();

        assertThat(journal).containsExactly("initialize second", "initialize first", "close first", "close second");
    }

    @Test
    void failedInitializationAnswersUnavailableAndRetries() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        class Flaky extends FlakyBase {
            @Override
            public void initialize() throws Exception {
                if (attempts.incrementAndGet() == 1) {
                    throw new IllegalStateException("connection refused");
                }
            }
        }
        try (ToolExecutor executor = new ToolExecutor(ToolRegistry.of(new Flaky()))) {
            ToolOutcome first = executor.execute(new ToolCall("c1", "flaky", "{}"), "run_1", "anonymous");
            ToolOutcome second = executor.execute(new ToolCall("c2", "flaky", "{}"), "run_1", "anonymous");

            assertThat(first.status()).isEqualTo(ToolOutcome.Status.UNAVAILABLE);
            assertThat(first.error()).contains("temporarily unavailable").contains("connection refused");
            assertThat(second.result()).isEqualTo("flaky answered");
        }
    }

    /** A lifecycle tool named flaky whose initialisation a test overrides. */
    private abstract static class FlakyBase implements Tool, ToolLifecycle {
        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public String description() {
            return "Fails to start once";
        }

        @Override
        public JsonNode parameters() {
            return EMPTY_SCHEMA;
        }

        @Override
        public Object execute(JsonNode arguments, ToolContext context) {
            return "flaky answered";
        }
    }

    @Test
    void unhealthyToolIsWithdrawnUntilHealthyAgain() throws Exception {
        ManagedTool database = tool("database");
        ManagedTool search = tool("search");
        try (ToolExecutor executor = ToolExecutor.builder(ToolRegistry.of(database, search))
                .settings("search", ToolSettings.builder().whenUnhealthy(ToolSettings.Degradation.ANSWER_UNAVAILABLE).build())
                .build()) {
            executor.initializeTools();
            database.health = ToolHealth.down("the database does not answer");
            search.health = ToolHealth.down("the index is rebuilding");

            Map<String, ToolHealth> health = executor.checkHealth();

            assertThat(health.get("database").healthy()).isFalse();
            assertThat(executor.registry().specifications()).extracting(spec -> spec.name()).containsExactly("search");
            ToolOutcome withdrawn = executor.execute(new ToolCall("c1", "database", "{}"), "run_1", "anonymous");
            assertThat(withdrawn.status()).isEqualTo(ToolOutcome.Status.UNAVAILABLE);
            assertThat(withdrawn.error()).contains("the database does not answer");
            ToolOutcome listed = executor.execute(new ToolCall("c2", "search", "{}"), "run_1", "anonymous");
            assertThat(listed.status()).isEqualTo(ToolOutcome.Status.UNAVAILABLE);
            assertThat(listed.error()).contains("temporarily unavailable: the index is rebuilding");

            database.health = ToolHealth.up();
            executor.checkHealth();

            assertThat(executor.registry().specifications()).extracting(spec -> spec.name()).containsExactly("database", "search");
            assertThat(executor.execute(new ToolCall("c3", "database", "{}"), "run_1", "anonymous").result())
                    .isEqualTo("database answered");
        }
    }

    @Test
    void hangingHealthCheckTimesOut() throws Exception {
        ManualTime time = new ManualTime();
        ManagedTool database = tool("database");
        try (ToolExecutor executor = ToolExecutor.builder(ToolRegistry.of(database)).clock(time).scheduler(time)
                .healthChecks(Duration.ofSeconds(30), Duration.ofSeconds(2)).build()) {
            executor.initializeTools();
            database.hangOnHealthCheck = true;

            time.advance(Duration.ofSeconds(30));
            // The only action left is the timeout of the check that now hangs; the next periodic check is
            // scheduled once this one ends.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> time.pendingActions() == 1);
            time.advance(Duration.ofSeconds(2));

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> executor.registry().withdrawnReason("database").isPresent());
            assertThat(executor.registry().withdrawnReason("database")).hasValue("its health check timed out after 2s");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> time.pendingActions() == 1);
        }
    }

    @Test
    void guardedToolFallsBackThroughResilientTool() throws Exception {
        ManagedTool primary = tool("lookup");
        Tool backup = Tool.builder("lookup_cache").description("Cached answers").handler((arguments, context) -> "cached").build();
        ToolLifecycles lifecycles = new ToolLifecycles();
        Tool resilient = ResilientTool.builder(lifecycles.guard(primary))
                .retryPolicy(RetryPolicy.none("tool:lookup"))
                .fallbackTool(backup)
                .build();
        try (ToolExecutor executor = ToolExecutor.builder(ToolRegistry.of(resilient)).lifecycles(lifecycles).build()) {
            assertThat(executor.execute(new ToolCall("c1", "lookup", "{}"), "run_1", "anonymous").result())
                    .isEqualTo("lookup answered");
            primary.health = ToolHealth.down("the upstream API returns 503");
            executor.checkHealth();

            ToolOutcome outcome = executor.execute(new ToolCall("c2", "lookup", "{}"), "run_1", "anonymous");

            assertThat(outcome.result()).isEqualTo("cached");
            assertThat(executor.registry().specifications()).hasSize(1);
        }
        assertThat(journal).containsExactly("initialize lookup", "close lookup");
    }
}
