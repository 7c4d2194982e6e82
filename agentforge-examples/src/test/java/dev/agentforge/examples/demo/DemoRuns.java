package dev.agentforge.examples.demo;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunResult;
import dev.agentforge.event.Action;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.event.Token;
import dev.agentforge.tool.Tool;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/** Runs questions through the demo agent and reads the demo database directly, for the tests. */
final class DemoRuns {

    private DemoRuns() {
    }

    /**
     * One finished run.
     *
     * @param result the run's result
     * @param events every event of the run, in order
     */
    record Outcome(RunResult result, List<AgentEvent> events) {

        /** Returns the event types in order, with each stretch of consecutive tokens shown once. */
        List<String> types() {
            List<String> types = new ArrayList<>();
            for (AgentEvent event : events) {
                if (event instanceof Token && !types.isEmpty() && types.getLast().equals(Token.TYPE)) {
                    continue;
                }
                types.add(event.type());
            }
            return types;
        }

        List<Action> actions() {
            return events.stream().filter(Action.class::isInstance).map(Action.class::cast).toList();
        }

        List<Observation> observations() {
            return events.stream().filter(Observation.class::isInstance).map(Observation.class::cast).toList();
        }

        String answer() {
            return result.answer();
        }
    }

    /** Asks the demo agent one question and waits up to 30 s for the run to end. */
    static Outcome ask(DataSource database, Clock clock, String question) throws Exception {
        Agent agent = Agent.builder()
                .model(DemoModel.create())
                .tools(DemoTools.create(database, clock).toArray(Tool[]::new))
                .modelName("scripted")
                .modelNote(DemoModel.NOTE)
                .build();
        AgentRun run = agent.start(question);
        RunResult result = run.result().get(30, TimeUnit.SECONDS);
        return new Outcome(result, run.log().after(0));
    }

    /** Runs a query that returns one number, such as a SUM, and returns it with its scale. */
    static BigDecimal queryDecimal(DataSource database, String sql, Object... params) throws SQLException {
        List<List<Object>> rows = queryRows(database, sql, params);
        Object value = rows.getFirst().getFirst();
        return value == null ? BigDecimal.ZERO : new BigDecimal(value.toString());
    }

    /** Runs a query and returns every row as a list of column values. */
    static List<List<Object>> queryRows(DataSource database, String sql, Object... params) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int column = 1; column <= columns; column++) {
                        row.add(result.getObject(column));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    /** Runs an INSERT, UPDATE or DELETE and returns the number of rows it changed. */
    static int update(DataSource database, String sql, Object... params) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            return statement.executeUpdate();
        }
    }
}
