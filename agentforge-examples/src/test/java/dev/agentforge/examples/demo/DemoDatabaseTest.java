package dev.agentforge.examples.demo;

import static dev.agentforge.examples.demo.DemoRuns.queryDecimal;
import static dev.agentforge.examples.demo.DemoRuns.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DemoDatabaseTest {

    @Test
    void inMemoryHasSampleData() throws Exception {
        try (HikariDataSource database = DemoDatabase.inMemory()) {
            assertThat(queryDecimal(database, "SELECT COUNT(*) FROM customers").intValue()).isEqualTo(8);
            assertThat(queryDecimal(database, "SELECT COUNT(*) FROM products").intValue()).isEqualTo(10);
            assertThat(queryDecimal(database, "SELECT COUNT(*) FROM orders").intValue()).isEqualTo(30);
            assertThat(queryDecimal(database, "SELECT COUNT(DISTINCT status) FROM orders").intValue()).isEqualTo(3);
            assertThat(queryDecimal(database, "SELECT COUNT(*) FROM orders o JOIN products p ON p.id = o.product_id"
                    + " WHERE o.unit_price <> p.unit_price").intValue()).isPositive();
        }
    }

    @Test
    void inMemoryDatabasesAreSeparate() throws Exception {
        try (HikariDataSource first = DemoDatabase.inMemory(); HikariDataSource second = DemoDatabase.inMemory()) {
            update(first, "DELETE FROM orders WHERE id = 1");

            assertThat(queryDecimal(first, "SELECT COUNT(*) FROM orders").intValue()).isEqualTo(29);
            assertThat(queryDecimal(second, "SELECT COUNT(*) FROM orders").intValue()).isEqualTo(30);
            assertThat(first.getJdbcUrl()).isNotEqualTo(second.getJdbcUrl()).contains("DB_CLOSE_DELAY=-1");
        }
    }

    @Test
    void closeShutsDownInMemoryDatabase() throws Exception {
        HikariDataSource database = DemoDatabase.inMemory();
        String url = database.getJdbcUrl();
        database.close();

        // Opening the same name again finds a new, empty database, not the closed one.
        String withoutKeepAlive = url.replace(";DB_CLOSE_DELAY=-1", "");
        try (var connection = java.sql.DriverManager.getConnection(withoutKeepAlive, "sa", "");
                var rows = connection.getMetaData().getTables(null, null, "ORDERS", null)) {
            assertThat(rows.next()).isFalse();
        }
    }

    @Test
    void closeLogsNoWarning() throws Exception {
        HikariDataSource database = DemoDatabase.inMemory();
        queryDecimal(database, "SELECT COUNT(*) FROM orders");

        List<String> warnings;
        try (LogCapture logs = new LogCapture()) {
            database.close();
            warnings = logs.warnings();
        }

        assertThat(warnings).isEmpty();
        assertThat(database.isClosed()).isTrue();
    }

    @Test
    void connectLoadsOnceAndKeepsData() throws Exception {
        // Without DB_CLOSE_DELAY the database lives while the first pool is open and is freed with it.
        String url = "jdbc:h2:mem:demo_connect_" + UUID.randomUUID().toString().replace("-", "");
        try (HikariDataSource first = DemoDatabase.connect(url, "sa", "", true)) {
            update(first, "DELETE FROM orders WHERE id = 30");

            try (HikariDataSource second = DemoDatabase.connect(url, "sa", "", true)) {
                assertThat(queryDecimal(second, "SELECT COUNT(*) FROM orders").intValue()).isEqualTo(29);
            }
        }
    }

    @Test
    void connectWithoutSampleDataCreatesNothing() throws Exception {
        String url = "jdbc:h2:mem:demo_plain_" + UUID.randomUUID().toString().replace("-", "");
        try (HikariDataSource database = DemoDatabase.connect(url, "sa", "", false);
                var connection = database.getConnection();
                var rows = connection.getMetaData().getTables(null, null, "ORDERS", null)) {
            assertThat(rows.next()).isFalse();
        }
    }

    @Test
    void connectReportsUnreachableDatabase() {
        assertThatThrownBy(() -> DemoDatabase.connect("jdbc:postgresql://127.0.0.1:1/none", "demo", "secret", true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot connect to jdbc:postgresql://127.0.0.1:1/none");
    }

    @Test
    void resourcesSplitIntoStatements() {
        List<String> schema = DemoDatabase.statements("demo/schema.sql");
        List<String> data = DemoDatabase.statements("demo/data.sql");

        assertThat(schema).hasSize(13);
        assertThat(schema.getFirst()).startsWith("CREATE TABLE IF NOT EXISTS customers");
        assertThat(schema).noneMatch(statement -> statement.contains("--") || statement.endsWith(";"));
        assertThat(data).hasSize(3);
        assertThat(data).allMatch(statement -> statement.startsWith("INSERT INTO"));
    }
}
