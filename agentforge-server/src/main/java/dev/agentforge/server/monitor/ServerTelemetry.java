package dev.agentforge.server.monitor;

import dev.agentforge.monitor.RunTracer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK of a server and the {@link RunTracer} on it. Export is off unless created with
 * {@link #otlp} or {@link #exportingTo}: {@link #off()} is the no-op API, which records nothing.
 *
 * <p>The server ends each run's spans from its events; pass {@link #tracer()} to
 * {@code Agent.Builder.modelCallListener} as well to get a span per model call.
 */
public final class ServerTelemetry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTelemetry.class);

    /** The service name on every span when none is set. */
    public static final String DEFAULT_SERVICE_NAME = "agentforge";

    /** The OTLP endpoint when none is set: an OpenTelemetry Collector on this machine, HTTP port. */
    public static final String DEFAULT_OTLP_ENDPOINT = "http://127.0.0.1:4318";

    private final OpenTelemetry openTelemetry;
    private final OpenTelemetrySdk sdk;
    private final RunTracer tracer;
    private final String description;

    private ServerTelemetry(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk, String description) {
        this.openTelemetry = openTelemetry;
        this.sdk = sdk;
        this.tracer = new RunTracer(openTelemetry);
        this.description = description;
    }

    /** Returns telemetry that records nothing. */
    public static ServerTelemetry off() {
        return new ServerTelemetry(OpenTelemetry.noop(), null, "off");
    }

    /**
     * Returns telemetry that exports spans in batches over OTLP/HTTP (protobuf) to
     * {@code <endpoint>/v1/traces}, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} is defined.
     *
     * @param endpoint the base URL of the collector, such as {@value #DEFAULT_OTLP_ENDPOINT}
     */
    public static ServerTelemetry otlp(String endpoint, String serviceName) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        SpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces").build();
        LOG.info("Exporting traces over OTLP/HTTP to {}/v1/traces as service {}", base, serviceName);
        return create(BatchSpanProcessor.builder(exporter).build(), serviceName, "otlp " + base);
    }

    /** Returns telemetry that hands every span to the exporter when it ends, such as an in-memory exporter in tests. */
    public static ServerTelemetry exportingTo(SpanExporter exporter, String serviceName) {
        return create(SimpleSpanProcessor.create(Objects.requireNonNull(exporter, "exporter")), serviceName,
                exporter.getClass().getSimpleName());
    }

    private static ServerTelemetry create(SpanProcessor processor, String serviceName, String description) {
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), serviceName == null ? DEFAULT_SERVICE_NAME : serviceName)));
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
                .setResource(resource)
                .addSpanProcessor(processor)
                .build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
        return new ServerTelemetry(sdk, sdk, description);
    }

    /** Returns the OpenTelemetry API instance, for spans of the application's own. */
    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** Returns the tracer of runs, tool calls and, when it is the agent's model call listener, model calls. */
    public RunTracer tracer() {
        return tracer;
    }

    /** Returns whether spans are exported anywhere. */
    public boolean enabled() {
        return sdk != null;
    }

    /** Flushes and closes the SDK, which exports the spans still buffered. */
    @Override
    public void close() {
        if (sdk != null) {
            sdk.close();
        }
    }

    @Override
    public String toString() {
        return "ServerTelemetry[" + description + "]";
    }
}
