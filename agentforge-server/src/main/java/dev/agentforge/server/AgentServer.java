package dev.agentforge.server;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRegistry;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.event.EventCodec;
import dev.agentforge.monitor.audit.AuditLog;
import dev.agentforge.monitor.HealthRegistry;
import dev.agentforge.monitor.MemoryHealthCheck;
import dev.agentforge.monitor.ReadinessContributor;
import dev.agentforge.monitor.ReadinessRegistry;
import dev.agentforge.resource.LeakDetector;
import dev.agentforge.resource.MemoryMonitor;
import dev.agentforge.server.agui.AgUiRoutes;
import dev.agentforge.server.audit.AuditHttp;
import dev.agentforge.server.monitor.HealthRoutes;
import dev.agentforge.server.monitor.ServerMetrics;
import dev.agentforge.server.monitor.ServerTelemetry;
import dev.agentforge.server.transport.SseStreams;
import dev.agentforge.server.transport.TransportSettings;
import dev.agentforge.server.transport.WebSocketHub;
import dev.agentforge.server.transport.WebSocketListener;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of an agent: the {@code /v1/runs} routes with SSE event streams, the
 * {@code /health} routes and an index of the routes at {@code /}, served by Javalin on Jetty 12
 * with a virtual thread per request. Every {@code GET} route also responds to {@code HEAD} with
 * the same status and headers and no body.
 *
 * <pre>{@code
 * try (AgentServer server = AgentServer.create(agent).port(8080).start()) {
 *     System.out.println("Serving on " + server.url());
 *     ...
 * }
 * }</pre>
 *
 * <p>docs/http-api.md describes every route, status code and error code.
 */
public final class AgentServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);

    /** The port when none is set. */
    public static final int DEFAULT_PORT = 8080;

    /** The address the server binds to when none is set: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** The largest request body accepted when no limit is set: 1 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1_048_576;

    /** How long an SSE stream may be idle before the server writes a keep-alive comment. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);

    /** The reconnection time sent in the {@code retry} field at the start of every SSE stream. */
    public static final Duration DEFAULT_SSE_RETRY = Duration.ofSeconds(3);

    /** How long runs in flight may work on in a graceful {@link #shutdown()} when no grace period is set. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);

    /**
     * How long {@link #shutdown()} waits, after the grace period, for the cancelled runs to end and for
     * the event streams to deliver their {@code cancelled} event. A shutdown takes at most the grace
     * period plus this wait, plus the moments Jetty takes to stop.
     */
    public static final Duration SHUTDOWN_CANCEL_WAIT = Duration.ofSeconds(5);

    /** The reason that readiness reports and that open SSE streams carry while the server shuts down. */
    public static final String SHUTDOWN_REASON = "the server is shutting down";

    /** The name of the readiness contributor that reports whether this server accepts requests. */
    public static final String READINESS_NAME = "http-server";

    /** The name of the readiness contributor of the memory limits, when a memory monitor is set. */
    public static final String MEMORY_READINESS_NAME = "memory";

    /** The name of the readiness contributor that is not ready while the limit of active runs is reached. */
    public static final String RUNS_READINESS_NAME = "runs";

    /** The service name in the index at {@code GET /} when none is set. */
    public static final String DEFAULT_SERVICE_NAME = "AgentForge";

    /** The pointer to the route documentation in the index at {@code GET /}. */
    static final String DOCUMENTATION = "docs/http-api.md in the AgentForge repository describes every route,"
            + " its request and response bodies, and its error codes";

    // How long stop() waits for open streams to write their closing frames.
    private static final Duration STREAM_CLOSE_WAIT = Duration.ofSeconds(2);

    private static final String ERROR_WRITTEN = "agentforge.errorWritten";

    private final Javalin app;
    private final RunRoutes runRoutes;
    private final AgUiRoutes aguiRoutes;
    private final RunRegistry runRegistry;
    private final boolean ownsRunRegistry;
    private final ReadinessRegistry readiness;
    private final HealthRoutes healthRoutes;
    private final ServerMetrics metrics;
    private final ServerTelemetry telemetry;
    private final MemoryMonitor memory;
    private final LeakDetector leaks;
    private final AuditLog audit;
    private final String host;
    private final String serviceName;
    private final String modelName;
    private final Integer maxActiveRuns;
    private final WebSocketHub webSockets;
    private final Duration shutdownGrace;
    private final Drain drain = new Drain();
    private final AtomicBoolean stopped = new AtomicBoolean();

    private AgentServer(Builder builder) {
        this.ownsRunRegistry = builder.runRegistry == null;
        if (ownsRunRegistry) {
            int limit = builder.maxActiveRuns != null ? builder.maxActiveRuns : RunRegistry.DEFAULT_MAX_ACTIVE_RUNS;
            this.runRegistry = new RunRegistry(RunRegistry.DEFAULT_RETENTION, limit, Clock.systemUTC());
            this.maxActiveRuns = limit;
        } else {
            this.runRegistry = builder.runRegistry;
            // The registry's own limit is the one that rejects runs, so readiness follows it.
            this.maxActiveRuns = builder.runRegistry.maxActiveRuns();
        }
        this.readiness = builder.readiness != null ? builder.readiness : new ReadinessRegistry();
        this.healthRoutes = new HealthRoutes(readiness.health());
        this.metrics = builder.metrics != null ? builder.metrics : ServerMetrics.create();
        this.telemetry = builder.telemetry;
        this.memory = builder.memory;
        this.leaks = builder.leaks;
        this.audit = builder.audit;
        this.host = builder.host;
        this.serviceName = builder.serviceName;
        this.modelName = builder.agent.modelName();
        this.shutdownGrace = builder.shutdownGrace;
        this.runRoutes = new RunRoutes(builder.agent, runRegistry, builder.maxBodyBytes, builder.heartbeat,
                builder.sseRetry.toMillis(), builder.transport, Clock.systemUTC());
        this.webSockets = new WebSocketHub(builder.agent, runRegistry, builder.transport, Clock.systemUTC(),
                builder.webSocketListener, metrics.registry());
        this.aguiRoutes = new AgUiRoutes(builder.agent, runRegistry, builder.heartbeat);
        this.app = Javalin.create(config -> configure(config, builder));
    }

    /** Starts configuring a server for the agent. */
    public static Builder create(Agent agent) {
        return new Builder(agent);
    }

    private void configure(JavalinConfig config, Builder builder) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        // The watcher is a non-daemon thread that sleeps 5 s after the server is created, which held
        // the JVM open for that long after a failed start, such as a port already in use.
        config.startup.startupWatcherEnabled = false;
        config.jetty.host = builder.host;
        config.jetty.port = builder.port;
        config.jetty.threadPool = threadPool();
        config.http.prefer405over404 = true;
        config.jsonMapper(new Jackson3JsonMapper(EventCodec.mapper()));

        config.routes.before(ctx -> RequestContext.setPrincipal(ctx, RunRequest.ANONYMOUS));
        getAndHead(config, "/", this::index);
        config.routes.post("/v1/runs", runRoutes::start);
        getAndHead(config, "/v1/runs/{id}", runRoutes::status);
        config.routes.get("/v1/runs/{id}/events", runRoutes::events);
        config.routes.head("/v1/runs/{id}/events", runRoutes::eventsHead);
        config.routes.post("/v1/runs/{id}/cancel", runRoutes::cancel);
        config.routes.post("/v1/runs/{id}/input", runRoutes::input);
        // Jetty matches this exact path before Javalin's servlet at /*, so the WebSocket endpoint has its
        // own servlet, with pong callbacks that Javalin's ws() handlers do not expose.
        config.jetty.modifyServletContextHandler(handler -> {
            handler.addServlet(new ServletHolder(webSockets.servlet()), WebSocketHub.PATH);
            handler.addFilter(new FilterHolder(drain.rejectingFilter()), WebSocketHub.PATH,
                    EnumSet.of(DispatcherType.REQUEST));
        });
        JsonBodyReader aguiBody = new JsonBodyReader(builder.maxBodyBytes);
        config.routes.post("/v1/agui", ctx -> aguiRoutes.run(ctx, aguiBody.readObject(ctx.req().getContentType(),
                ctx.req().getContentLengthLong(), ctx.req().getInputStream())));
        if (builder.audit != null) {
            AuditHttp.install(config, builder.audit, runRegistry, builder.auditHttp);
        }
        getAndHead(config, "/health/live", healthRoutes::live);
        getAndHead(config, "/health/ready", healthRoutes::ready);
        getAndHead(config, "/health", healthRoutes::details);
        getAndHead(config, "/metrics", metrics::scrape);

        config.routes.exception(ApiException.class, (e, ctx) -> writeError(ctx, e));
        config.routes.exception(Exception.class, this::internalError);
        config.routes.error(404, this::notFound);
        config.routes.error(405, this::methodNotAllowed);
    }

    // Without its own HEAD route, Javalin 7 responds to HEAD on a GET route with 200 and none of the
    // GET response's headers, even where GET returns 404. Jetty drops the body of a response to HEAD.
    private static void getAndHead(JavalinConfig config, String path, Handler handler) {
        config.routes.get(path, handler);
        config.routes.head(path, handler);
    }

    // Jetty hands each request to a new virtual thread named agentforge-http-N, and its platform
    // threads only accept connections and select.
    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("jetty-http");
        pool.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("agentforge-http-", 0).factory()));
        return pool;
    }

    private AgentServer startServer() {
        readiness.register(READINESS_NAME, () -> stopped.get()
                ? ReadinessContributor.Status.notReady(READINESS_NAME, "the server is stopping")
                : ReadinessContributor.Status.ready(READINESS_NAME));
        if (leaks != null) {
            runRegistry.trackLeaks(leaks);
            runRoutes.trackLeaks(leaks);
            leaks.start();
        }
        if (maxActiveRuns != null) {
            readiness.register(RUNS_READINESS_NAME, this::checkActiveRuns);
        }
        runRegistry.addAdmissionCheck(drain::admit);
        runRegistry.addStartListener(metrics.runMetrics()::observe);
        metrics.gauge("agentforge.sse.connections", "Open SSE event streams", runRoutes, RunRoutes::openStreams);
        metrics.gauge("agentforge.runs.active", "Runs still working", runRegistry, RunRegistry::activeCount);
        runRoutes.onEventWritten(metrics::eventWritten);
        Counter sseDropped = Counter.builder("agentforge.sse.events.dropped")
                .description("Events that SSE subscriber queues dropped for slow clients, each announced by a notice")
                .register(metrics.registry());
        Counter sseDisconnected = Counter.builder("agentforge.sse.subscribers.disconnected")
                .description("SSE streams ended with a disconnected notice because the client fell too far behind")
                .register(metrics.registry());
        runRoutes.onStreamDrops(sseDropped::increment, sseDisconnected::increment);
        runRegistry.addStartListener(webSockets::observe);
        if (telemetry != null) {
            runRegistry.addStartListener(telemetry.tracer()::observe);
        }
        if (memory != null) {
            readiness.health().register(new MemoryHealthCheck(MEMORY_READINESS_NAME, memory),
                    HealthRegistry.Policy.LOCAL);
            runRegistry.addAdmissionCheck(request -> memory.admitNewRun());
            memory.registerCleanup("finished-runs", runRegistry::evictFinished);
            memory.start();
        }
        try {
            app.start();
        } catch (RuntimeException e) {
            readiness.unregister(READINESS_NAME);
            if (maxActiveRuns != null) {
                readiness.unregister(RUNS_READINESS_NAME);
            }
            if (memory != null) {
                memory.close();
            }
            if (leaks != null) {
                leaks.close();
            }
            if (audit != null) {
                audit.close();
            }
            throw e;
        }
        LOG.info("AgentForge server started on {}", url());
        return this;
    }

    /** Returns the port the server listens on, which is the actual port when it was started on port 0. */
    public int port() {
        return app.port();
    }

    /** Returns the server's base URL without a trailing slash, such as {@code http://127.0.0.1:8080}. */
    public String url() {
        String displayHost = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        if (displayHost.contains(":")) {
            displayHost = "[" + displayHost + "]";
        }
        return "http://" + displayHost + ":" + port();
    }

    /** Returns the registry of this server's runs. */
    public RunRegistry runRegistry() {
        return runRegistry;
    }

    /** Returns the readiness contributors that {@code /health/ready} reports. */
    public ReadinessRegistry readiness() {
        return readiness;
    }

    /** Returns the health checks that {@code /health} and {@code /health/ready} report. */
    public HealthRegistry health() {
        return readiness.health();
    }

    /** Returns the metrics that {@code GET /metrics} serves. */
    public ServerMetrics metrics() {
        return metrics;
    }

    /** Returns the number of SSE event streams open now. */
    public int openStreams() {
        return runRoutes.openStreams();
    }

    /** Returns the registry of open SSE event streams, by run and by principal. */
    public SseStreams sseStreams() {
        return runRoutes.streams();
    }

    /** Returns the {@code /v1/ws} endpoint with its open connections. */
    public WebSocketHub webSockets() {
        return webSockets;
    }

    /** Returns whether a graceful {@link #shutdown()} has begun. */
    public boolean draining() {
        return drain.active();
    }

    /** Returns how long runs in flight may work on in a graceful {@link #shutdown()}. */
    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    /** Shuts the server down gracefully with the grace period of {@link Builder#shutdownGrace}. */
    public void shutdown() {
        shutdown(shutdownGrace);
    }

    /**
     * Shuts the server down gracefully, as a process does on SIGTERM, and returns once it has stopped:
     * <ol>
     *   <li>{@code /health/ready} returns 503 with {@code draining} at once, and new runs get 503
     *       {@code shutting_down} with {@code Retry-After}, while the server still serves other requests;</li>
     *   <li>every open SSE stream gets a {@code retry} field and the reason as a comment, and ends, so its
     *       client reconnects, and every WebSocket connection is closed with 1001 (going away);</li>
     *   <li>runs in flight get up to {@code grace} to finish, and those still working then are cancelled
     *       with a reason that names the grace period, which the audit log records;</li>
     *   <li>after at most {@link #SHUTDOWN_CANCEL_WAIT} for the cancelled runs and the streams opened
     *       meanwhile to end, {@link #stop()} stops the server.</li>
     * </ol>
     * Runs of a registry passed to {@link Builder#runRegistry} are cancelled too. Calling it again, or
     * after {@link #stop()}, does nothing.
     */
    public void shutdown(Duration grace) {
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("grace must be zero or a positive duration, got " + grace);
        }
        if (stopped.get() || !drain.start()) {
            return;
        }
        readiness.health().startDraining(SHUTDOWN_REASON);
        LOG.info("AgentForge server on {} shutting down: not ready, new runs get 503, open streams are closed,"
                + " and the runs in flight ({}) get up to {} to finish", url(), Drain.working(runRegistry).size(), grace);
        runRoutes.closeStreams(SHUTDOWN_REASON);
        webSockets.closeAll(SHUTDOWN_REASON);
        aguiRoutes.closeStreams(SHUTDOWN_REASON);
        try {
            List<AgentRun> unfinished = Drain.awaitRuns(runRegistry, grace);
            long waitStart = System.nanoTime();
            if (unfinished.isEmpty()) {
                LOG.info("Every run finished within the shutdown grace period of {}", grace);
            } else {
                String reason = "the server shut down before the run finished: the shutdown grace period of "
                        + grace + " (AGENTFORGE_SHUTDOWN_GRACE) ended";
                LOG.warn("Cancelling the runs still working after the shutdown grace period of {}: {}",
                        grace, unfinished.stream().map(AgentRun::id).toList());
                unfinished.forEach(run -> run.cancel(reason));
                Drain.awaitRuns(runRegistry, SHUTDOWN_CANCEL_WAIT);
            }
            // Streams opened during the drain end by themselves after their run's last event. The wait lets
            // them write it, because stop() ends every stream at once.
            Duration left = SHUTDOWN_CANCEL_WAIT.minusNanos(System.nanoTime() - waitStart);
            if (!Drain.awaitZero(this::openStreams, left.isNegative() ? Duration.ZERO : left)) {
                LOG.warn("{} SSE streams were still open {} after the runs ended; they are closed now",
                        openStreams(), SHUTDOWN_CANCEL_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("The graceful shutdown was interrupted, so the server stops now");
        }
        stop();
    }

    /**
     * Stops the server: it turns not ready, ends every open SSE stream, and stops Jetty. Runs that
     * are still working are cancelled when the server created its own run registry, but runs of a
     * registry passed to {@link Builder#runRegistry} are left to its owner. Calling it again does
     * nothing.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        LOG.info("AgentForge server on {} stopping", url());
        runRoutes.closeStreams("the server is stopping");
        webSockets.closeAll("the server is stopping");
        aguiRoutes.closeStreams("the server is stopping");
        // Each stream writes its closing frame on its own request thread; stopping Jetty first would cut it.
        try {
            Drain.awaitZero(() -> runRoutes.openStreams() + aguiRoutes.openStreams(), STREAM_CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsRunRegistry) {
            runRegistry.cancelAll("the server stopped");
        }
        app.stop();
        readiness.unregister(READINESS_NAME);
        if (maxActiveRuns != null) {
            readiness.unregister(RUNS_READINESS_NAME);
        }
        if (memory != null) {
            memory.close();
            readiness.unregister(MEMORY_READINESS_NAME);
        }
        if (leaks != null) {
            leaks.close();
        }
        metrics.close();
        if (telemetry != null) {
            telemetry.close();
        }
        if (audit != null) {
            audit.close();
        }
        LOG.info("AgentForge server stopped");
    }

    @Override
    public void close() {
        stop();
    }

    private ReadinessContributor.Status checkActiveRuns() {
        long active = runRegistry.activeCount();
        if (active < maxActiveRuns) {
            return ReadinessContributor.Status.ready(RUNS_READINESS_NAME);
        }
        return ReadinessContributor.Status.notReady(RUNS_READINESS_NAME, active + " runs are working, which is"
                + " the limit of " + maxActiveRuns + " (AGENTFORGE_MAX_ACTIVE_RUNS), so new runs get 503 until one"
                + " finishes; raise AGENTFORGE_MAX_ACTIVE_RUNS to allow more");
    }

    private void index(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", serviceName);
        body.put("model", modelName);
        body.put("routes", Routes.describe());
        body.put("documentation", DOCUMENTATION);
        ctx.json(body);
    }

    private void notFound(Context ctx) {
        if (ctx.attribute(ERROR_WRITTEN) == null) {
            writeError(ctx, new ApiException(404, ErrorCode.NOT_FOUND, "No route matches " + ctx.method().name()
                    + " " + ctx.path() + "; docs/http-api.md lists the routes"));
        }
    }

    private void methodNotAllowed(Context ctx) {
        if (ctx.attribute(ERROR_WRITTEN) != null) {
            return;
        }
        List<String> allowed = Routes.allowedMethods(ctx.path());
        writeError(ctx, new ApiException(405, ErrorCode.METHOD_NOT_ALLOWED, "Method " + ctx.method().name()
                + " is not allowed on " + ctx.path() + "; use " + String.join(" or ", allowed),
                Map.of("allowedMethods", allowed), Map.of("Allow", String.join(", ", allowed))));
    }

    private void internalError(Exception e, Context ctx) {
        LOG.error("Request {} {} failed with an unexpected exception", ctx.method().name(), ctx.path(), e);
        writeError(ctx, new ApiException(500, ErrorCode.INTERNAL_ERROR, "The server failed to handle the request ("
                + e.getClass().getName() + "); the server log has the details"));
    }

    private static void writeError(Context ctx, ApiException e) {
        if (ctx.res().isCommitted()) {
            LOG.warn("Cannot send error {} for {} {}: the response has already started", e.code(),
                    ctx.method().name(), ctx.path());
            return;
        }
        LOG.debug("Rejected {} {} with {} {}: {}", ctx.method().name(), ctx.path(), e.status(), e.code(),
                e.getMessage());
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", e.code());
        error.put("message", e.getMessage());
        error.put("status", e.status());
        error.putAll(e.details());
        e.headers().forEach(ctx::header);
        ctx.attribute(ERROR_WRITTEN, Boolean.TRUE);
        ctx.status(e.status()).json(Map.of("error", error));
    }

    /** Configures an {@link AgentServer}. {@link #start()} binds the port and returns the running server. */
    public static final class Builder {
        private final Agent agent;
        private String host = DEFAULT_HOST;
        private String serviceName = DEFAULT_SERVICE_NAME;
        private Integer maxActiveRuns;
        private int port = DEFAULT_PORT;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Duration heartbeat = DEFAULT_HEARTBEAT;
        private Duration sseRetry = DEFAULT_SSE_RETRY;
        private MemoryMonitor memory;
        private LeakDetector leaks;
        private RunRegistry runRegistry;
        private ReadinessRegistry readiness;
        private AuditLog audit;
        private boolean auditHttp = true;
        private ServerMetrics metrics;
        private ServerTelemetry telemetry;
        private TransportSettings transport = TransportSettings.defaults();
        private WebSocketListener webSocketListener;
        private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;

        private Builder(Agent agent) {
            this.agent = Objects.requireNonNull(agent, "agent");
        }

        /** Sets the address to bind to. {@code 0.0.0.0} listens on every interface. */
        public Builder host(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host must be an IP address or host name, got '" + host + "'");
            }
            this.host = host;
            return this;
        }

        /** Sets the port to listen on. Port 0 picks a free port, which {@link AgentServer#port()} returns. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Sets the largest request body accepted, in bytes. Larger bodies get 413. */
        public Builder maxBodyBytes(long maxBodyBytes) {
            if (maxBodyBytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes must be at least 1, got " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /**
         * Reports runs and SSE streams held open longer than the detector's threshold. The server starts
         * the detector's sweeps and closes it when it stops.
         */
        public Builder leakDetector(LeakDetector leaks) {
            this.leaks = leaks;
            return this;
        }

        /**
         * Watches the heap with this monitor: above its hard limit new runs get 503 and the server is not
         * ready, and above its soft limit finished runs are evicted. The server starts the monitor and
         * closes it when it stops.
         */
        public Builder memory(MemoryMonitor memory) {
            this.memory = memory;
            return this;
        }

        /** Sets how long an SSE stream may be idle before a keep-alive comment is written. */
        public Builder heartbeat(Duration heartbeat) {
            if (heartbeat == null || heartbeat.isNegative() || heartbeat.isZero()) {
                throw new IllegalArgumentException("heartbeat must be a positive duration, got " + heartbeat);
            }
            this.heartbeat = heartbeat;
            return this;
        }

        /** Sets the reconnection time sent in the {@code retry} field at the start of each SSE stream. */
        public Builder sseRetry(Duration sseRetry) {
            if (sseRetry == null || sseRetry.isNegative()) {
                throw new IllegalArgumentException("sseRetry must be zero or a positive duration, got " + sseRetry);
            }
            this.sseRetry = sseRetry;
            return this;
        }

        /**
         * Uses a prepared run registry, which sets retention and the limit of active runs. The server
         * reports the {@value #RUNS_READINESS_NAME} readiness contributor only when
         * {@link #maxActiveRuns} also gives it the registry's limit.
         */
        public Builder runRegistry(RunRegistry runRegistry) {
            this.runRegistry = Objects.requireNonNull(runRegistry, "runRegistry");
            return this;
        }

        /**
         * Sets how many runs may work at once: while that many work, {@code POST /v1/runs} gets 503
         * {@code too_many_runs} and {@code /health/ready} reports the {@value #RUNS_READINESS_NAME}
         * contributor not ready. Without a {@link #runRegistry}, the server creates its registry with
         * this limit, by default {@link RunRegistry#DEFAULT_MAX_ACTIVE_RUNS}. With one, the registry's
         * own limit applies and this setting is ignored.
         */
        public Builder maxActiveRuns(int maxActiveRuns) {
            if (maxActiveRuns < 1) {
                throw new IllegalArgumentException("maxActiveRuns must be at least 1, got " + maxActiveRuns);
            }
            this.maxActiveRuns = maxActiveRuns;
            return this;
        }

        /** Sets the service name in the index at {@code GET /}, by default {@value #DEFAULT_SERVICE_NAME}. */
        public Builder serviceName(String serviceName) {
            if (serviceName == null || serviceName.isBlank()) {
                throw new IllegalArgumentException("serviceName must not be blank, got '" + serviceName + "'");
            }
            this.serviceName = serviceName;
            return this;
        }

        /**
         * Records who started and cancelled runs, and each run's tool calls, in this audit log, which the
         * server closes when it stops. docs/audit.md describes the records.
         */
        public Builder audit(AuditLog audit) {
            this.audit = audit;
            return this;
        }

        /**
         * Sets whether {@code GET /v1/audit} and {@code GET /v1/audit/verify} are served when an audit
         * log is set; on by default. Until the server authenticates requests, anyone who reaches the
         * server can read the audit log through them.
         */
        public Builder auditHttp(boolean auditHttp) {
            this.auditHttp = auditHttp;
            return this;
        }

        /** Uses a prepared readiness registry, to which the server adds its own contributor. */
        public Builder readiness(ReadinessRegistry readiness) {
            this.readiness = Objects.requireNonNull(readiness, "readiness");
            return this;
        }

        /** Reports these health checks at {@code /health} and {@code /health/ready}, with the server's own added. */
        public Builder health(HealthRegistry health) {
            this.readiness = new ReadinessRegistry(health);
            return this;
        }

        /**
         * Serves these metrics at {@code GET /metrics}; by default the server creates its own. The server
         * closes them when it stops.
         */
        public Builder metrics(ServerMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Records a span per run and tool call with this telemetry, and closes it when the server stops;
         * by default no spans are recorded. A telemetry set before, such as by {@code ServerConfig.applyTo},
         * is closed and replaced.
         */
        public Builder telemetry(ServerTelemetry telemetry) {
            if (this.telemetry != null && this.telemetry != telemetry) {
                this.telemetry.close();
            }
            this.telemetry = telemetry;
            return this;
        }

        /**
         * Sets the limits of SSE streams and WebSocket connections: streams per principal, the write
         * timeout, subscriber queues, message size, keepalive and connections.
         */
        public Builder transport(TransportSettings transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Sets how long runs in flight may work on in a graceful {@link AgentServer#shutdown()} before they
         * are cancelled, by default {@link #DEFAULT_SHUTDOWN_GRACE}. Zero cancels them at once.
         */
        public Builder shutdownGrace(Duration shutdownGrace) {
            if (shutdownGrace == null || shutdownGrace.isNegative()) {
                throw new IllegalArgumentException("shutdownGrace must be zero or a positive duration, got "
                        + shutdownGrace);
            }
            this.shutdownGrace = shutdownGrace;
            return this;
        }

        /** Calls this listener when a {@code /v1/ws} connection opens, closes or fails; null for none. */
        public Builder webSocketListener(WebSocketListener listener) {
            this.webSocketListener = listener;
            return this;
        }

        /**
         * Binds the port and starts serving.
         *
         * @throws io.javalin.util.JavalinBindException if the port is in use
         */
        public AgentServer start() {
            return new AgentServer(this).startServer();
        }
    }
}
