package dev.agentforge.monitor;

import dev.agentforge.tool.ToolExecutor;
import dev.agentforge.tool.ToolHealth;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * The tools of an agent as a health check: {@code DEGRADED} while a tool is unhealthy, with each
 * unhealthy tool and its reason in the details, else {@code UP}. The agent keeps running without an
 * unhealthy tool, so this never makes the service not ready.
 *
 * <p>The source returns the unhealthy tools by name, with the reason for each. {@link #of(ToolExecutor)}
 * builds it from the health checks of an executor's initialised {@link dev.agentforge.tool.ToolLifecycle}
 * tools.
 */
public final class ToolsHealthCheck implements HealthCheck {

    /** The name the check is registered under. */
    public static final String NAME = "tools";

    private final Callable<Map<String, String>> unhealthyTools;

    /** Creates the check from a source of the unhealthy tools and their reasons. */
    public ToolsHealthCheck(Callable<Map<String, String>> unhealthyTools) {
        this.unhealthyTools = Objects.requireNonNull(unhealthyTools, "unhealthyTools");
    }

    /**
     * Creates the check from {@link ToolExecutor#checkHealth()}, which runs the health check of every
     * initialised tool within the executor's own check timeout.
     */
    public static ToolsHealthCheck of(ToolExecutor executor) {
        Objects.requireNonNull(executor, "executor");
        return new ToolsHealthCheck(() -> {
            Map<String, String> unhealthy = new TreeMap<>();
            for (Map.Entry<String, ToolHealth> entry : executor.checkHealth().entrySet()) {
                if (!entry.getValue().healthy()) {
                    unhealthy.put(entry.getKey(), entry.getValue().detail());
                }
            }
            return unhealthy;
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result check() throws Exception {
        Map<String, String> unhealthy = unhealthyTools.call();
        if (unhealthy == null || unhealthy.isEmpty()) {
            return Result.up();
        }
        Map<String, Object> details = new TreeMap<>(unhealthy);
        return new Result(HealthState.DEGRADED, unhealthy.size() + " tool(s) unhealthy: "
                + String.join(", ", new TreeMap<>(unhealthy).keySet()), details);
    }
}
