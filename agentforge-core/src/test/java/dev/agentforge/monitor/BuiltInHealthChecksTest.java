package dev.agentforge.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.resilience.CircuitBreakers;
import dev.agentforge.resource.HeapUsage;
import dev.agentforge.resource.MemoryMonitor;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolExecutor;
import dev.agentforge.tool.ToolHealth;
import dev.agentforge.tool.ToolLifecycle;
import dev.agentforge.tool.ToolRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class BuiltInHealthChecksTest {

    private static final long MAX = 1000L << 20;

    @Test
    void memoryLevelsMapToStates() throws Exception {
        AtomicLong used = new AtomicLong(MAX / 2);
        MemoryMonitor monitor = MemoryMonitor.builder()
                .heap(new HeapUsage() {
                    @Override
                    public long usedBytes() {
                        return used.get();
                    }

                    @Override
                    public long maxBytes() {
                        return MAX;
                    }
                })
                .softLimit(0.75)
                .hardLimit(0.9)
                .build();
        MemoryHealthCheck check = new MemoryHealthCheck(monitor);

        monitor.check();
        HealthCheck.Result normal = check.check();
        used.set((long) (MAX * 0.8));
        monitor.check();
        HealthCheck.Result soft = check.check();
        used.set((long) (MAX * 0.95));
        monitor.check();
        HealthCheck.Result hard = check.check();

        assertThat(normal.state()).isEqualTo(HealthState.UP);
        assertThat(normal.details()).containsEntry("level", "NORMAL");
        assertThat(soft.state()).isEqualTo(HealthState.DEGRADED);
        assertThat(soft.message()).contains("soft limit");
        assertThat(hard.state()).isEqualTo(HealthState.DOWN);
        assertThat(hard.message()).contains("hard limit of 90 %");
        assertThat(hard.details()).containsEntry("usedBytes", (long) (MAX * 0.95));
    }

    @Test
    void openToolBreakerDegradesItsDependency() {
        CircuitBreakers breakers = CircuitBreakers.create();
        try (BreakerHealthCheck check = BreakerHealthCheck.nonModel(breakers)) {
            breakers.forTool("search");
            breakers.forModel("gpt");

            HealthCheck.Result closed = check.check();
            breakers.forTool("search").transitionToOpenState();
            HealthCheck.Result open = check.check();

            assertThat(closed.state()).isEqualTo(HealthState.UP);
            assertThat(closed.details()).containsOnlyKeys("tool:search");
            assertThat(open.state()).isEqualTo(HealthState.DEGRADED);
            assertThat(open.message()).contains("tool:search is OPEN");
            @SuppressWarnings("unchecked")
            Map<String, Object> search = (Map<String, Object>) open.details().get("tool:search");
            assertThat(search).containsEntry("state", "OPEN").containsKey("since").containsKey("retryAt");
        }
    }

    @Test
    void modelCheckCoversModelBreakersAndProbe() throws Exception {
        CircuitBreakers breakers = CircuitBreakers.create();
        breakers.forModel("gpt");
        HealthCheck probe = HealthCheck.of("provider", Duration.ofSeconds(1),
                () -> HealthCheck.Result.down("GET http://127.0.0.1:1/v1/models failed"));
        try (ModelHealthCheck upCheck = new ModelHealthCheck(breakers, null);
                ModelHealthCheck probed = new ModelHealthCheck(breakers, probe)) {
            HealthCheck.Result closed = upCheck.check();
            breakers.forModel("gpt").transitionToOpenState();
            HealthCheck.Result open = upCheck.check();
            HealthCheck.Result openAndProbeDown = probed.check();

            assertThat(closed.state()).isEqualTo(HealthState.UP);
            assertThat(open.state()).isEqualTo(HealthState.DEGRADED);
            assertThat(open.message()).contains("model:gpt is OPEN");
            assertThat(openAndProbeDown.message()).contains("model:gpt is OPEN").contains("probe provider");
            assertThat(probed.timeout()).isEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void unhealthyToolsDegrade() throws Exception {
        HealthCheck.Result healthy = new ToolsHealthCheck(Map::of).check();
        HealthCheck.Result unhealthy = new ToolsHealthCheck(() -> Map.of("sql", "the database does not answer"))
                .check();

        assertThat(healthy.state()).isEqualTo(HealthState.UP);
        assertThat(unhealthy.state()).isEqualTo(HealthState.DEGRADED);
        assertThat(unhealthy.details()).containsEntry("sql", "the database does not answer");
    }

    @Test
    void executorToolsHealthDegrades() throws Exception {
        UnhealthyTool tool = new UnhealthyTool();
        try (ToolExecutor executor = new ToolExecutor(ToolRegistry.of(tool))) {
            executor.initializeTools();

            HealthCheck.Result result = ToolsHealthCheck.of(executor).check();

            assertThat(result.state()).isEqualTo(HealthState.DEGRADED);
            assertThat(result.details()).containsEntry("lookup", "the index is rebuilding");
        }
    }

    /** A tool whose health check always fails. */
    private static final class UnhealthyTool implements Tool, ToolLifecycle {
        @Override
        public String name() {
            return "lookup";
        }

        @Override
        public String description() {
            return "Looks up a key.";
        }

        @Override
        public JsonNode parameters() {
            return JsonMapper.builder().build().readTree("{\"type\": \"object\"}");
        }

        @Override
        public Object execute(JsonNode arguments, ToolContext context) {
            return "value";
        }

        @Override
        public ToolHealth checkHealth() {
            return ToolHealth.down("the index is rebuilding");
        }
    }

    @Test
    void contributorAdapterMapsReadiness() throws Exception {
        HealthCheck ready = HealthCheck.fromContributor("pool", () -> new ReadinessContributor.Status("pool", true, "active=1"));
        HealthCheck notReady = HealthCheck.fromContributor("pool", () -> ReadinessContributor.Status.notReady("pool", "closed"));

        assertThat(ready.check()).isEqualTo(HealthCheck.Result.up("active=1"));
        assertThat(notReady.check()).isEqualTo(HealthCheck.Result.down("closed"));
        assertThat(ready.timeout()).isEqualTo(HealthCheck.DEFAULT_TIMEOUT);
    }
}
