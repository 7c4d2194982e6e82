package dev.agentforge.examples.demo;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.agentforge.agent.Agent;
import dev.agentforge.jdbc.DatabaseHealthCheck;
import dev.agentforge.monitor.HealthCheck;
import dev.agentforge.monitor.HealthRegistry;
import dev.agentforge.monitor.ModelHealthCheck;
import dev.agentforge.monitor.ToolsHealthCheck;
import dev.agentforge.resilience.CircuitBreakers;
import dev.agentforge.server.AgentServer;
import dev.agentforge.server.config.ConfigException;
import dev.agentforge.server.config.ModelFactory;
import dev.agentforge.server.config.ServerConfig;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolExecutor;
import dev.agentforge.tool.ToolRegistry;
import io.javalin.util.JavalinBindException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo service: an agent with a SQL tool over the sample shop database, a calculator and a
 * clock, served over HTTP by {@link AgentServer}. Its settings come from environment variables,
 * which docs/configuration.md lists. It uses the offline scripted model of {@link DemoModel}
 * unless {@code AGENTFORGE_MODEL} names a provider.
 *
 * <pre>
 * java -jar agentforge-examples/target/agentforge-demo.jar
 * </pre>
 */
public final class DemoService {

    private static final Logger LOG = LoggerFactory.getLogger(DemoService.class);

    /**
     * The environment variable that makes every demo tool wait this long before it runs: an ISO-8601
     * duration or a whole number of seconds. It is for tests only, which need a run to stay in flight,
     * and is unset by default.
     */
    public static final String TOOL_DELAY = "AGENTFORGE_DEMO_TOOL_DELAY";

    /** The name of the readiness contributor that checks the database connection. */
    public static final String DATABASE_READINESS = "database";

    private static final Duration DATABASE_CHECK_TIMEOUT = Duration.ofSeconds(2);

    private DemoService() {
    }

    /** The service name in the index at {@code GET /}. */
    public static final String SERVICE_NAME = "AgentForge demo";

    /**
     * Starts the demo from the process environment; a JVM shutdown hook, which SIGTERM runs, shuts it
     * down gracefully with {@link Handle#shutdown()}. A setting that
     * stops the start is logged as one line, with its cause at DEBUG, and exits with status 2.
     */
    public static void main(String[] args) {
        // The hook is in place before the service serves, so a SIGTERM right after startup still stops it.
        AtomicReference<Handle> running = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Handle started = running.get();
            if (started != null) {
                started.shutdown();
            }
        }, "agentforge-shutdown"));
        try {
            running.set(start(System.getenv()));
        } catch (ConfigException e) {
            LOG.error("The demo did not start: {}", e.getMessage());
            if (e.getCause() != null) {
                LOG.debug("Cause of the failed start", rootCause(e));
            }
            System.exit(2);
        }
    }

    /**
     * Starts the demo with the given environment variables and returns once it serves.
     *
     * @param env the settings, such as {@code System.getenv()}, or a map that a test builds
     * @throws ConfigException if a setting is invalid, the model's API key is missing, the port is in
     *     use, or the database cannot be reached or loaded
     */
    public static Handle start(Map<String, String> env) {
        ServerConfig config = ServerConfig.fromEnvironment(env);
        Duration toolDelay = toolDelay(env.get(TOOL_DELAY));
        CircuitBreakers breakers = CircuitBreakers.create();
        ModelFactory.ModelSelection model = ModelFactory.create(config, DemoModel::create, breakers);
        HikariDataSource dataSource;
        try {
            dataSource = openDatabase(config);
        } catch (RuntimeException e) {
            closeModel(model);
            throw e;
        }
        try {
            return serve(config, model, breakers, dataSource, toolDelay);
        } catch (JavalinBindException e) {
            dataSource.close();
            closeModel(model);
            String address = config.host() + ":" + config.port();
            throw new ConfigException("Cannot listen on " + address + " (" + ServerConfig.PORT + "=" + config.port()
                    + "): " + bindFailure(e) + "; set " + ServerConfig.PORT + " to a free port, or to 0 to pick"
                    + " any free port", e);
        } catch (RuntimeException e) {
            dataSource.close();
            closeModel(model);
            throw e;
        }
    }

    private static HikariDataSource openDatabase(ServerConfig config) {
        if (config.databaseUrl() == null) {
            LOG.info("Database: an embedded in-memory H2 database with the sample data");
            return DemoDatabase.inMemory();
        }
        String user = config.databaseUser() == null ? "" : " as user " + config.databaseUser();
        LOG.info("Database: {}{}", config.redactedDatabaseUrl(), user);
        try {
            return DemoDatabase.connect(config.databaseUrl(), config.databaseUser(), config.databasePassword(), true);
        } catch (IllegalStateException e) {
            // A failed load wraps the SQLException with advice and no URL. A failed connection names
            // the whole URL, parameters included, so only the driver's own message is shown.
            String reason = e.getCause() instanceof SQLException ? e.getMessage() : rootCause(e).getMessage();
            throw new ConfigException("Cannot use the database at " + ServerConfig.DATABASE_URL + "="
                    + config.redactedDatabaseUrl() + user + ": " + reason + " Check that the database is running and"
                    + " that " + ServerConfig.DATABASE_URL + ", " + ServerConfig.DATABASE_USER + " and "
                    + ServerConfig.DATABASE_PASSWORD + " are right, or unset " + ServerConfig.DATABASE_URL
                    + " for the embedded in-memory H2 database.", e);
        }
    }

    private static String bindFailure(JavalinBindException e) {
        String reason = rootCause(e).getMessage();
        return reason != null && reason.contains("in use") ? "the port is already in use by another process"
                : "binding the port failed (" + reason + ")";
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    // Parses AGENTFORGE_DEMO_TOOL_DELAY: null when unset or blank.
    private static Duration toolDelay(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        String expected = "; expected an ISO-8601 duration such as PT5S, or a whole number of seconds (0 or more)";
        Duration delay;
        try {
            delay = text.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(text))
                    : Duration.parse(text);
        } catch (RuntimeException e) {
            throw new ConfigException("Invalid " + TOOL_DELAY + " '" + value + "'" + expected);
        }
        if (delay.isNegative()) {
            throw new ConfigException("Invalid " + TOOL_DELAY + " '" + value + "': negative" + expected);
        }
        return delay;
    }

    private static Handle serve(ServerConfig config, ModelFactory.ModelSelection model, CircuitBreakers breakers,
            HikariDataSource dataSource, Duration toolDelay) {
        List<Tool> tools = DemoTools.create(dataSource, Clock.systemUTC());
        if (toolDelay != null) {
            LOG.warn("Every tool call waits {} first ({}), a setting for tests only", toolDelay, TOOL_DELAY);
            tools = DemoTools.delayed(tools, toolDelay);
        }
        ToolExecutor executor = ToolExecutor.builder(ToolRegistry.of(tools.toArray(Tool[]::new))).build();
        Agent.Builder agent = model.applyTo(Agent.builder())
                .toolExecutor(executor)
                .maxSteps(config.maxSteps());
        if (model.scripted()) {
            agent.modelNote(DemoModel.NOTE);
        }

        HealthRegistry health = config.newHealthRegistry();
        health.register(HealthCheck.fromContributor(DATABASE_READINESS, DATABASE_CHECK_TIMEOUT,
                new DatabaseHealthCheck(dataSource, DATABASE_CHECK_TIMEOUT)));
        health.register(ToolsHealthCheck.of(executor));
        health.register(new ModelHealthCheck(breakers, null));
        AgentServer server = config.audit().applyTo(config.applyTo(AgentServer.create(agent.build())))
                .runRegistry(config.newRunRegistry())
                .health(health)
                .serviceName(SERVICE_NAME)
                .start();
        server.metrics().bind(executor::bindTo);
        server.metrics().bind(breakers::bindTo);
        dataSource.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(server.metrics().registry()));

        String url = server.url() + "/";
        if (model.scripted()) {
            LOG.info("AgentForge demo serving on {} with the offline scripted model. {}", url, DemoModel.NOTE);
        } else {
            LOG.info("AgentForge demo serving on {} with model {}", url, model.label());
        }
        LOG.info("Start a run: curl -H 'Content-Type: application/json' -d '{\"input\": \"How much revenue did we"
                + " make in total, with 20% VAT added?\"}' {}v1/runs", url);
        return new Handle(server, executor, dataSource, model);
    }

    private static void closeModel(ModelFactory.ModelSelection model) {
        if (model.model() instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("Closing the model client {} failed", model.label(), e);
            }
        }
    }

    /** The running demo: its server, database and model. Stopping it closes all three. */
    public static final class Handle implements AutoCloseable {

        private final AgentServer server;
        private final ToolExecutor executor;
        private final HikariDataSource dataSource;
        private final ModelFactory.ModelSelection model;
        private final AtomicBoolean stopped = new AtomicBoolean();

        private Handle(AgentServer server, ToolExecutor executor, HikariDataSource dataSource,
                ModelFactory.ModelSelection model) {
            this.executor = executor;
            this.server = server;
            this.dataSource = dataSource;
            this.model = model;
        }

        /** Returns the port the demo listens on, which is the actual port when started on port 0. */
        public int port() {
            return server.port();
        }

        /** Returns the demo's base URL without a trailing slash. */
        public String url() {
            return server.url();
        }

        /** Returns the demo's database, so tests can compare the agent's results with their own queries. */
        public DataSource dataSource() {
            return dataSource;
        }

        /** Returns the HTTP server. */
        public AgentServer server() {
            return server;
        }

        /**
         * Stops the server, cancels its working runs, then closes the tool executor, the database and the
         * model client.
         */
        public void stop() {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            server.stop();
            // The demo passes its own run registry to the server, which leaves those runs to their owner.
            server.runRegistry().cancelAll("the demo stopped");
            executor.close();
            dataSource.close();
            closeModel(model);
            LOG.info("AgentForge demo stopped");
        }

        /**
         * Shuts the demo down gracefully, as on SIGTERM: the server drains with
         * {@link AgentServer#shutdown()}, whose runs in flight get {@code AGENTFORGE_SHUTDOWN_GRACE} to
         * finish, then the tool executor, the database and the model client are closed.
         */
        public void shutdown() {
            if (stopped.get()) {
                return;
            }
            server.shutdown();
            stop();
        }

        @Override
        public void close() {
            stop();
        }
    }
}
