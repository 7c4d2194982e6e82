package dev.agentforge.examples.demo;

import dev.agentforge.jdbc.SqlQueryTool;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolSettings;
import dev.agentforge.tool.builtin.CalculatorTool;
import dev.agentforge.tool.builtin.CurrentTimeTool;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import tools.jackson.databind.JsonNode;

/** The demo agent's tools: {@code sql_query} over the demo database, {@code calculator} and {@code current_time}. */
public final class DemoTools {

    /** The definition of revenue, added to the schema the model reads. */
    public static final String REVENUE_DEFINITION = "Revenue is SUM(orders.quantity * orders.unit_price) over"
            + " the orders whose status is not 'refunded'. orders.unit_price is the price at order time.";

    private DemoTools() {
    }

    /**
     * Creates the three tools. The SQL tool's description carries the tables and columns read from
     * {@code dataSource}'s metadata, and the definition of revenue.
     *
     * @throws IllegalStateException if the database metadata cannot be read
     */
    public static List<Tool> create(DataSource dataSource, Clock clock) {
        String schema;
        try {
            schema = SqlQueryTool.describeSchema(dataSource);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the tables of the demo database to describe them"
                    + " to the model: " + e.getMessage(), e);
        }
        SqlQueryTool sqlQuery = SqlQueryTool.builder(dataSource)
                .schemaDescription(schema + "\n" + REVENUE_DEFINITION)
                .build();
        return List.of(sqlQuery, new CalculatorTool(), new CurrentTimeTool(clock));
    }

    /**
     * Returns the tools, each made to wait {@code delay} before it runs. It exists for tests that need
     * a run to stay in flight, such as the graceful shutdown tests; cancelling the run interrupts the wait.
     */
    public static List<Tool> delayed(List<Tool> tools, Duration delay) {
        return tools.stream().<Tool>map(tool -> new DelayedTool(tool, delay)).toList();
    }

    private record DelayedTool(Tool tool, Duration delay) implements Tool {

        @Override
        public String name() {
            return tool.name();
        }

        @Override
        public String description() {
            return tool.description();
        }

        @Override
        public JsonNode parameters() {
            return tool.parameters();
        }

        @Override
        public Object execute(JsonNode arguments, ToolContext context) throws Exception {
            Thread.sleep(delay);
            return tool.execute(arguments, context);
        }

        @Override
        public Optional<ToolSettings> settings() {
            return tool.settings();
        }
    }
}
