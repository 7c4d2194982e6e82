package dev.agentforge.examples.demo;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentforge.jdbc.DataSources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo shop database: tables {@code customers}, {@code products} and {@code orders}, created from
 * the classpath resource {@code demo/schema.sql} and filled from {@code demo/data.sql}. Revenue is
 * {@code SUM(quantity * unit_price)} over the orders whose status is not {@code refunded}.
 */
public final class DemoDatabase {

    /** The pool name of the demo database's connection pool. */
    public static final String POOL_NAME = "agentforge-demo";

    private static final Logger LOG = LoggerFactory.getLogger(DemoDatabase.class);
    private static final String SCHEMA = "demo/schema.sql";
    private static final String DATA = "demo/data.sql";

    private DemoDatabase() {
    }

    /**
     * Creates a fresh H2 in-memory database with a unique name, loaded with the sample data. The
     * database outlives idle pool connections ({@code DB_CLOSE_DELAY=-1}), and closing the returned
     * pool shuts it down and frees its memory. H2's own JVM shutdown hook is off
     * ({@code DB_CLOSE_ON_EXIT=FALSE}), so that it cannot close the database while the demo's
     * shutdown hook still uses it.
     */
    public static HikariDataSource inMemory() {
        String url = "jdbc:h2:mem:agentforge_demo_" + UUID.randomUUID().toString().replace("-", "")
                + ";DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE";
        HikariDataSource dataSource = new HikariDataSource(
                DataSources.config(url, "sa", "", POOL_NAME, DataSources.DEFAULT_MAX_POOL_SIZE)) {
            @Override
            public void close() {
                boolean wasOpen = !isClosed();
                // The pool closes its connections first, while the database is alive, and only then
                // does SHUTDOWN run, on a connection of its own outside the pool.
                super.close();
                if (wasOpen) {
                    shutdownH2(url);
                }
            }
        };
        load(dataSource);
        return dataSource;
    }

    /**
     * Connects to a database such as PostgreSQL. With {@code loadSampleData}, creates the three demo
     * tables where they are missing and loads the sample rows when {@code customers} is empty, so
     * connecting again keeps the data already there.
     *
     * @throws IllegalStateException if the database cannot be reached or the sample data cannot be loaded
     */
    public static HikariDataSource connect(String jdbcUrl, String user, String password, boolean loadSampleData) {
        HikariDataSource dataSource = DataSources.create(jdbcUrl, user, password, POOL_NAME,
                DataSources.DEFAULT_MAX_POOL_SIZE);
        if (loadSampleData) {
            load(dataSource);
        }
        return dataSource;
    }

    // Closes the pool when loading fails, so that a failed start leaves no open connections.
    private static void load(HikariDataSource dataSource) {
        try {
            loadSampleData(dataSource);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static void loadSampleData(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            run(connection, SCHEMA);
            if (isEmpty(connection)) {
                run(connection, DATA);
                LOG.info("Loaded the demo sample data: 8 customers, 10 products, 30 orders");
            } else {
                LOG.info("The demo tables already contain data; the sample data was not loaded again");
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not load the demo data: " + e.getMessage()
                    + ". If the database already has tables named customers, products or orders with other"
                    + " columns, use another database or schema.", e);
        }
    }

    private static boolean isEmpty(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM customers")) {
            rows.next();
            return rows.getLong(1) == 0;
        }
    }

    private static void run(Connection connection, String resource) throws SQLException {
        for (String sql : statements(resource)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new SQLException(resource + ": " + e.getMessage() + " in statement: " + sql,
                        e.getSQLState(), e.getErrorCode(), e);
            }
        }
    }

    /**
     * Splits a resource into statements. The demo files follow two rules that make this simple: each
     * statement ends with {@code ;} at the end of a line, and comment lines start with {@code --}.
     */
    static List<String> statements(String resource) {
        String text;
        try (InputStream in = DemoDatabase.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Classpath resource " + resource + " is missing from the build");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Could not read classpath resource " + resource, e);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String statement = current.toString().strip();
                statements.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) {
            throw new IllegalStateException("Classpath resource " + resource
                    + " ends with a statement that has no ';' at the end of its last line: " + current);
        }
        return statements;
    }

    // SHUTDOWN closes this connection too, and closing an H2 connection that is already closed does nothing.
    private static void shutdownH2(String url) {
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        } catch (SQLException e) {
            LOG.warn("Could not shut down the in-memory demo database {}; it stays in memory until the JVM exits",
                    url, e);
        }
    }
}
