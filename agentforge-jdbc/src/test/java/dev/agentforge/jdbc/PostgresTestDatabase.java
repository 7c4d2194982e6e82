package dev.agentforge.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local PostgreSQL that the PostgreSQL tests use: database {@code test} on 127.0.0.1:5432, user
 * {@code postgres} with trust authentication. Each test class works in its own schema, created here
 * and dropped afterwards.
 *
 * <p>As a JUnit extension it skips the test class, with a message saying how to run it, when the server
 * is not reachable. When the environment variable CI is {@code true} the class runs anyway, and
 * {@link #requireAvailable()} fails it.
 */
public final class PostgresTestDatabase implements ExecutionCondition {

    public static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String USER = "postgres";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresTestDatabase.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String problem = problem();
        if (problem == null) {
            return ConditionEvaluationResult.enabled("PostgreSQL is reachable at " + URL);
        }
        if (isCi()) {
            return ConditionEvaluationResult.enabled("CI=true, so the tests run and fail: " + problem);
        }
        LOG.warn("Skipping {}: {}", context.getDisplayName(), problem);
        return ConditionEvaluationResult.disabled(problem);
    }

    /** Fails the calling test class when PostgreSQL is not reachable. */
    public static void requireAvailable() {
        String problem = problem();
        if (problem != null) {
            fail(problem + (isCi() ? " CI=true, so the tests fail instead of being skipped." : ""));
        }
    }

    /** Creates a schema with a unique name and returns the name. */
    public static String createSchema(String prefix) throws SQLException {
        String schema = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE SCHEMA " + schema);
        return schema;
    }

    /** Drops a schema created by {@link #createSchema} with everything in it. */
    public static void dropSchema(String schema) throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    /** Returns the URL of the test database with {@code schema} as the current schema. */
    public static String urlWithSchema(String schema) {
        return URL + "?currentSchema=" + schema;
    }

    // Returns why PostgreSQL cannot be used, with how to fix it, or null when it can.
    private static String problem() {
        try (Connection connection = connect()) {
            connection.isValid(5);
            return null;
        } catch (SQLException e) {
            return "PostgreSQL is not reachable at " + URL + " as user " + USER + " (" + e.getMessage()
                    + "). To run these tests, start PostgreSQL on 127.0.0.1:5432 with a database named test"
                    + " that user postgres can reach without a password (trust authentication).";
        }
    }

    private static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("loginTimeout", "5");
        return DriverManager.getConnection(URL, properties);
    }
}
