package dev.agentforge.tool.internal;

import dev.agentforge.tool.ToolExecutionEvent;
import dev.agentforge.tool.ToolExecutionListener;
import dev.agentforge.tool.ToolExecutor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;

/**
 * The Micrometer meters of a {@link ToolExecutor}: gauges read the executor's state when scraped, and
 * timers and counters are fed from its {@link ToolExecutionEvent}s. Durations come from the executor's
 * clock.
 */
public final class ExecutorMetrics implements ToolExecutionListener {

    private final MeterRegistry registry;

    public ExecutorMetrics(ToolExecutor executor, MeterRegistry registry) {
        this.registry = registry;
        for (String pool : executor.pools()) {
            Gauge.builder("agentforge.tool.queue.depth", executor, e -> e.queued(pool))
                    .description("Tool calls waiting for a slot or permits")
                    .tag("pool", pool)
                    .register(registry);
            Gauge.builder("agentforge.tool.active", executor, e -> e.active(pool))
                    .description("Pool slots held by tool handlers, timed-out handlers that have not returned included")
                    .tag("pool", pool)
                    .register(registry);
            Gauge.builder("agentforge.tool.limit", executor, e -> e.limit(pool))
                    .description("Concurrency limit of the pool")
                    .tag("pool", pool)
                    .register(registry);
        }
        for (String resource : executor.resources()) {
            Gauge.builder("agentforge.tool.resource.available", executor, e -> e.availablePermits(resource))
                    .description("Free permits of the resource")
                    .tag("resource", resource)
                    .register(registry);
        }
    }

    @Override
    public void onEvent(ToolExecutionEvent event) {
        if (!(event instanceof ToolExecutionEvent.Finished finished)) {
            return;
        }
        // A call never resolved to a tool carries whatever name the model wrote, which must not become a tag value.
        boolean resolved = finished.pool() != null;
        String tool = resolved ? finished.tool() : "unresolved";
        String pool = resolved ? finished.pool() : "none";
        String outcome = finished.status().name().toLowerCase(Locale.ROOT);
        Timer.builder("agentforge.tool.wait")
                .description("Time from receiving a tool call to the start of its handler")
                .tags("tool", tool, "pool", pool, "outcome", outcome)
                .register(registry)
                .record(finished.waited());
        if (finished.attempts() > 0) {
            Timer.builder("agentforge.tool.run")
                    .description("Time from the start of a tool handler to the call's outcome")
                    .tags("tool", tool, "pool", pool, "outcome", outcome)
                    .register(registry)
                    .record(finished.ran());
        }
        Counter.builder("agentforge.tool.calls")
                .description("Tool calls by outcome")
                .tags("tool", tool, "outcome", outcome)
                .register(registry)
                .increment();
    }
}
