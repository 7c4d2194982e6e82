package dev.agentforge.examples.tools;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentforge.agent.Agent;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.jdbc.DataSources;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import dev.agentforge.tool.ToolExecutor;
import dev.agentforge.tool.ToolHealth;
import dev.agentforge.tool.ToolLifecycle;
import dev.agentforge.tool.ToolRegistry;
import dev.agentforge.tool.ToolSettings;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A database tool with a lifecycle: it opens a HikariCP pool over an in-memory H2 database on first use,
 * checks its health with {@code Connection.isValid}, and closes the pool when the executor shuts
 * down. Each call takes one of two {@code db} permits, so at most two queries run at once however many
 * calls the model makes.
 */
public final class DatabaseToolExample {

    private DatabaseToolExample() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("Answer: " + run(System.out).answer());
    }

    /** Counts orders by status through the tool, checks its health, and shuts the executor down. */
    public static RunResult run(PrintStream out) throws Exception {
        OrdersTool orders = new OrdersTool("jdbc:h2:mem:tools_example;DB_CLOSE_DELAY=-1", out);
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("orders", "orders", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTools(
                                new ScriptStep.Call("count_orders", "{\"status\":\"shipped\"}"),
                                new ScriptStep.Call("count_orders", "{\"status\":\"open\"}"),
                                new ScriptStep.Call("count_orders", "{\"status\":\"refunded\"}"))
                        : ScriptStep.answer("shipped " + turn.results().get(0).text() + ", open "
                                + turn.results().get(1).text() + ", refunded " + turn.results().get(2).text()))
                .build();
        RunResult result;
        try (ToolExecutor executor = ToolExecutor.builder(ToolRegistry.of(orders))
                .pool("database", 4)
                .resource("db", 2)
                .build()) {
            Agent agent = Agent.builder().model(model).toolExecutor(executor).modelName("scripted").build();
            result = agent.start("How many orders are in each status?").result().get();
            out.println("health: " + executor.checkHealth());
            out.println("initialised: " + executor.lifecycles().initialized());
        }
        out.println("pool closed: " + orders.closed());
        return result;
    }

    /**
     * The result of one count, which the model reads as JSON.
     *
     * @param status the status counted
     * @param count the orders in that status
     */
    record OrderCount(String status, int count) {
    }

    /** Counts the orders of one status. */
    static final class OrdersTool implements Tool, ToolLifecycle {
        private static final JsonNode SCHEMA = JsonMapper.builder().build().readTree("""
                {"type":"object","properties":{"status":{"type":"string","enum":["open","shipped","refunded"]}},
                 "required":["status"]}""");

        private final String jdbcUrl;
        private final PrintStream out;
        private volatile HikariDataSource dataSource;

        OrdersTool(String jdbcUrl, PrintStream out) {
            this.jdbcUrl = jdbcUrl;
            this.out = out;
        }

        @Override
        public String name() {
            return "count_orders";
        }

        @Override
        public String description() {
            return "Counts the orders that have the given status";
        }

        @Override
        public JsonNode parameters() {
            return SCHEMA;
        }

        @Override
        public Optional<ToolSettings> settings() {
            return Optional.of(ToolSettings.builder().pool("database").resource("db", 1)
                    .timeout(Duration.ofSeconds(5)).build());
        }

        @Override
        public void initialize() throws Exception {
            HikariDataSource pool = DataSources.create(jdbcUrl, "sa", "", "orders", 2);
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(16))");
                statement.execute("INSERT INTO orders VALUES (1, 'shipped'), (2, 'open'), (3, 'shipped'), (4, 'refunded'),"
                        + " (5, 'shipped')");
            }
            dataSource = pool;
            out.println("initialise: pool 'orders' opened, 5 orders loaded");
        }

        @Override
        public Object execute(JsonNode arguments, ToolContext context) throws Exception {
            String status = arguments.get("status").asString();
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM orders WHERE status = ?")) {
                // A cancelled call stops its query rather than letting it run to the end.
                try (var cancel = context.cancellation().onCancel(() -> cancelQuietly(query))) {
                    query.setString(1, status);
                    try (ResultSet rows = query.executeQuery()) {
                        rows.next();
                        return new OrderCount(status, rows.getInt(1));
                    }
                }
            } catch (java.sql.SQLException e) {
                throw new ToolException("The orders query failed: " + e.getMessage(), true, e);
            }
        }

        @Override
        public ToolHealth checkHealth() throws Exception {
            try (Connection connection = dataSource.getConnection()) {
                return connection.isValid(2) ? ToolHealth.up() : ToolHealth.down("the database does not answer");
            }
        }

        @Override
        public void close() {
            dataSource.close();
            out.println("close: pool 'orders' closed");
        }

        boolean closed() {
            return dataSource.isClosed();
        }

        private static void cancelQuietly(PreparedStatement query) {
            try {
                query.cancel();
            } catch (java.sql.SQLException e) {
                // The statement has finished or closed already.
            }
        }
    }
}
