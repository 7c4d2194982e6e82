package dev.agentforge.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentforge.jdbc.PostgresTestDatabase;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The demo questions on the local PostgreSQL, in a schema of their own that is dropped afterwards.
 * {@link PostgresTestDatabase} describes the setup and when the tests are skipped.
 */
@ExtendWith(PostgresTestDatabase.class)
class DemoQuestionsPostgresTest extends DemoQuestionsContract {

    private static String schema;
    private static HikariDataSource database;

    @BeforeAll
    static void openDatabase() throws Exception {
        PostgresTestDatabase.requireAvailable();
        schema = PostgresTestDatabase.createSchema("agentforge_demo");
        database = DemoDatabase.connect(PostgresTestDatabase.urlWithSchema(schema), PostgresTestDatabase.USER, null,
                true);
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        if (database != null) {
            database.close();
        }
        if (schema != null) {
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    @Override
    DataSource database() {
        return database;
    }

    @Test
    void connectAgainKeepsData() throws Exception {
        try (HikariDataSource again = DemoDatabase.connect(PostgresTestDatabase.urlWithSchema(schema),
                PostgresTestDatabase.USER, null, true)) {
            assertThat(DemoRuns.queryDecimal(again, "SELECT COUNT(*) FROM orders").intValue()).isEqualTo(30);
            assertThat(DemoRuns.queryDecimal(again, "SELECT COUNT(*) FROM customers").intValue()).isEqualTo(8);
        }
    }

    @Test
    void toolDescriptionListsPostgresTables() {
        String description = DemoTools.create(database, CLOCK).getFirst().description();

        assertThat(description).contains("Table orders -- One order line", "unit_price numeric(10, 2) NOT NULL",
                "customer_id int4 NOT NULL, references customers.id");
    }
}
