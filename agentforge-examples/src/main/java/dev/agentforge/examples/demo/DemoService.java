package dev.agentforge.examples.demo;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentforge.agent.Agent;
import dev.agentforge.monitor.ReadinessContributor;
import dev.agentforge.monitor.ReadinessRegistry;
import dev.agentforge.server.AgentServer;
import dev.agentforge.server.config.ConfigException;
import dev.agentforge.server.config.ModelFactory;
import dev.agentforge.server.config.ServerConfig;
import dev.agentforge.tool.Tool;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
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

    /** The name of the readiness contributor that checks the database connection. */
    public static final String DATABASE_READINESS = "database";

    private static final int DATABASE_CHECK_TIMEOUT_SECONDS = 2;

    private DemoService() {
    }

    /** Starts the demo from the process environment; a JVM shutdown hook stops it. */
    public static void main(String[] args) {
        Handle handle;
        try {
            handle = start(System.getenv());
        } catch (ConfigException e) {
            LOG.error("The demo did not start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(handle::stop, "agentforge-shutdown"));
    }

    /**
     * Starts the demo with the given environment variables and returns once it serves.
     *
     * @param env the settings, such as {@code System.getenv()}, or a map that a test builds
     * @throws ConfigException if a setting is invalid or the model's API key is missing
     * @throws IllegalStateException if the database cannot be reached or loaded
     */
    public static Handle start(Map<String, String> env) {
        ServerConfig config = ServerConfig.fromEnvironment(env);
        ModelFactory.ModelSelection model = ModelFactory.create(config, DemoModel::create);
        HikariDataSource dataSource = openDatabase(config);
        try {
            return serve(config, model, dataSource);
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
        LOG.info("Database: {} as user {}", config.redactedDatabaseUrl(), config.databaseUser());
        return DemoDatabase.connect(config.databaseUrl(), config.databaseUser(), config.databasePassword(), true);
    }

    private static Handle serve(ServerConfig config, ModelFactory.ModelSelection model, HikariDataSource dataSource) {
        List<Tool> tools = DemoTools.create(dataSource, Clock.systemUTC());
        Agent.Builder agent = model.applyTo(Agent.builder())
                .tools(tools.toArray(Tool[]::new))
                .maxSteps(config.maxSteps());
        if (model.scripted()) {
            agent.modelNote(DemoModel.NOTE);
        }

        ReadinessRegistry readiness = new ReadinessRegistry();
        readiness.register(DATABASE_READINESS, () -> checkDatabase(dataSource));
        AgentServer server = config.applyTo(AgentServer.create(agent.build()))
                .runRegistry(config.newRunRegistry())
                .readiness(readiness)
                .start();

        String url = "http://localhost:" + server.port() + "/";
        if (model.scripted()) {
            LOG.info("AgentForge demo serving on {} with the offline scripted model. {}", url, DemoModel.NOTE);
        } else {
            LOG.info("AgentForge demo serving on {} with model {}", url, model.label());
        }
        LOG.info("Start a run: curl -H 'Content-Type: application/json' -d '{\"input\": \"How much revenue did we"
                + " make in total, with 20% VAT added?\"}' {}v1/runs", url);
        return new Handle(server, dataSource, model);
    }

    private static ReadinessContributor.Status checkDatabase(DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(DATABASE_CHECK_TIMEOUT_SECONDS)
                    ? ReadinessContributor.Status.ready(DATABASE_READINESS)
                    : ReadinessContributor.Status.notReady(DATABASE_READINESS,
                            "the database connection did not answer within " + DATABASE_CHECK_TIMEOUT_SECONDS + " s");
        }
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
        private final HikariDataSource dataSource;
        private final ModelFactory.ModelSelection model;
        private final AtomicBoolean stopped = new AtomicBoolean();

        private Handle(AgentServer server, HikariDataSource dataSource, ModelFactory.ModelSelection model) {
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

        /** Stops the server, cancelling its working runs, then closes the database and the model client. */
        public void stop() {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            server.stop();
            dataSource.close();
            closeModel(model);
            LOG.info("AgentForge demo stopped");
        }

        @Override
        public void close() {
            stop();
        }
    }
}
