package dev.agentforge.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentforge.tool.ToolException;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs the contract against the local PostgreSQL, set up as {@link PostgresTestDatabase} describes. */
@ExtendWith(PostgresTestDatabase.class)
class SqlQueryToolPostgresTest extends SqlQueryToolContract {

    private static String schema;
    private static HikariDataSource dataSource;

    @BeforeAll
    static void openDatabase() throws Exception {
        PostgresTestDatabase.requireAvailable();
        schema = PostgresTestDatabase.createSchema("agentforge_sqltool");
        dataSource = DataSources.create(PostgresTestDatabase.urlWithSchema(schema), PostgresTestDatabase.USER, null,
                "postgres-test", 2);
        createTables(dataSource);
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        if (dataSource != null) {
            dataSource.close();
        }
        if (schema != null) {
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    @Override
    DataSource dataSource() {
        return dataSource;
    }

    @Override
    String slowQuery() {
        return "SELECT pg_sleep(5)";
    }

    @Override
    String unknownColumnState() {
        return "42703";
    }

    @Override
    String unknownColumnMessage() {
        return "column \"nope\" does not exist";
    }

    @Test
    void readOnlyTransactionStopsWritingCte() throws Exception {
        // Without the statement check, PostgreSQL itself rejects the write in the read-only transaction.
        String sql = "WITH d AS (DELETE FROM items RETURNING *) SELECT COUNT(*) FROM d";

        assertThatThrownBy(() -> tool().query(sql, List.of()))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("read-only transaction")
                .hasMessageContaining("SQLState 25006");
        assertThat(countItems()).isEqualTo(ITEM_COUNT);
    }

    @Test
    void readOnlyTransactionStopsDrop() throws Exception {
        assertThatThrownBy(() -> tool().query("DROP TABLE items", List.of()))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("SQLState 25006");
        assertThat(countItems()).isEqualTo(ITEM_COUNT);
    }

    @Test
    void writesTimestampWithTimeZoneWithOffset() throws Exception {
        var result = run(tool(), "SELECT CAST(? AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS local_time,"
                + " CAST(? AS TIMESTAMPTZ) AS instant", "2025-03-01T10:00:00Z", "2025-03-01T10:00:00Z");

        assertThat(result.path("rows").get(0).get(0).asString()).isEqualTo("2025-03-01T10:00:00");
        assertThat(result.path("rows").get(0).get(1).asString()).matches("2025-03-01T\\d\\d:00:00([+-]\\d\\d:\\d\\d|Z)");
    }

    @Test
    void interruptCancelsTheRunningQuery() throws Exception {
        SqlQueryTool tool = SqlQueryTool.builder(dataSource).timeout(java.time.Duration.ofSeconds(60)).build();
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                tool.execute(tools.jackson.databind.json.JsonMapper.builder().build()
                        .readTree("{\"sql\": \"SELECT pg_sleep(55)\"}"), null);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> sleepingQueries() == 1);

        caller.interrupt();
        caller.join(java.time.Duration.ofSeconds(20));

        assertThat(thrown.get()).isInstanceOf(ToolException.class).hasMessageContaining("cancelled");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> sleepingQueries() == 0);
    }

    private static int sleepingQueries() throws Exception {
        try (var connection = java.sql.DriverManager.getConnection(PostgresTestDatabase.urlWithSchema(schema),
                PostgresTestDatabase.USER, null);
                var statement = connection.prepareStatement("SELECT count(*) FROM pg_stat_activity "
                        + "WHERE state = 'active' AND query = 'SELECT pg_sleep(55)'");
                var rows = statement.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
