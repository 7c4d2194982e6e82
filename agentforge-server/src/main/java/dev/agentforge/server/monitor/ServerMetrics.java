package dev.agentforge.server.monitor;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.monitor.RunMetrics;
import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The metrics of a server in a Micrometer {@link PrometheusMeterRegistry}, served at {@code GET /metrics}:
 * JVM and process metrics, the run metrics of {@link RunMetrics}, the SSE meters, and whatever else is
 * bound with {@link #bind}, such as {@code CircuitBreakers::bindTo}, {@code ObjectPool.bindTo}, a
 * HikariCP pool through {@code JdbcPoolSettings.Builder.meterRegistry(metrics.registry())}, or a
 * {@code ToolExecutor::bindTo} for its queue depth and wait. docs/monitoring.md lists every meter.
 */
public final class ServerMetrics implements AutoCloseable {

    /** The content type of the Prometheus text format 0.0.4. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** The content type of OpenMetrics 1.0.0, sent when the Accept header names it. */
    public static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    static final String SSE_CONNECTIONS = "agentforge.sse.connections";
    static final String SSE_DELIVERY_LAG = "agentforge.sse.delivery.lag";
    static final String ACTIVE_RUNS = "agentforge.runs.active";
    static final String CPU_PROCESSORS = "system.cpu.processors";

    private final PrometheusMeterRegistry registry;
    private final RunMetrics runMetrics;
    private final JvmGcMetrics gcMetrics;
    private final Timer deliveryLag;
    private final Clock clock;

    private ServerMetrics(PrometheusMeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.runMetrics = new RunMetrics(registry);
        applyPromtoolNaming(registry);
        new JvmMemoryMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        this.deliveryLag = Timer.builder(SSE_DELIVERY_LAG)
                .description("Time from an event's timestamp to its write on an SSE stream; replayed events count too")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30))
                .register(registry);
    }

    // promtool check metrics rejects two names of ProcessorMetrics (Micrometer 1.17): the counter
    // process.cpu.time in nanoseconds becomes process_cpu_time_ns_total ("abbreviated units"), and
    // the gauge system.cpu.count ends in _count. The first is replaced by process.cpu in seconds,
    // process_cpu_seconds_total as the Prometheus client libraries name it; the second is renamed.
    private static void applyPromtoolNaming(MeterRegistry registry) {
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName(CPU_PROCESSORS) : id;
            }
        });
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, bean -> bean.getProcessCpuTime() / 1e9)
                    .description("The CPU time used by the JVM process")
                    .baseUnit("seconds")
                    .register(registry);
        }
    }

    /** Creates the metrics with a new Prometheus registry and the JVM and process binders. */
    public static ServerMetrics create() {
        return create(Clock.systemUTC());
    }

    /** Creates the metrics with a clock for the delivery lag, for tests. */
    public static ServerMetrics create(Clock clock) {
        return new ServerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Objects.requireNonNull(clock));
    }

    /** Returns the registry, for meters of the application's own. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Returns the run metrics, which a server subscribes to each run it starts. */
    public RunMetrics runMetrics() {
        return runMetrics;
    }

    /** Registers a gauge with help text, which promtool requires of every metric. */
    public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).register(registry);
    }

    /** Binds more meters, such as {@code breakers::bindTo} or {@code toolExecutor::bindTo}. */
    public ServerMetrics bind(MeterBinder binder) {
        binder.bindTo(registry);
        return this;
    }

    /** Records the delivery lag of an event written to an SSE stream now. */
    public void eventWritten(AgentEvent event) {
        Duration lag = Duration.between(event.timestamp(), clock.instant());
        deliveryLag.record(lag.isNegative() ? Duration.ZERO : lag);
    }

    /**
     * {@code GET /metrics}: the registry in OpenMetrics when the Accept header names
     * {@code application/openmetrics-text}, else in the Prometheus text format 0.0.4.
     */
    public void scrape(Context ctx) {
        String accept = ctx.header("Accept");
        String contentType = accept != null && accept.contains("application/openmetrics-text")
                ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
        ctx.contentType(contentType).result(registry.scrape(contentType));
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
