package dev.agentforge.jdbc.audit;

import dev.agentforge.jdbc.PostgresTestDatabase;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

@ExtendWith(PostgresTestDatabase.class)
class JdbcAuditStorePostgresTest extends JdbcAuditStoreContract {

    private String schema;
    private PGSimpleDataSource dataSource;

    @BeforeEach
    void createSchema() throws SQLException {
        PostgresTestDatabase.requireAvailable();
        schema = PostgresTestDatabase.createSchema("audit_test");
        dataSource = new PGSimpleDataSource();
        dataSource.setURL(PostgresTestDatabase.URL);
        dataSource.setUser(PostgresTestDatabase.USER);
        dataSource.setCurrentSchema(schema);
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (schema != null) {
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    @Override
    DataSource dataSource() {
        return dataSource;
    }
}
