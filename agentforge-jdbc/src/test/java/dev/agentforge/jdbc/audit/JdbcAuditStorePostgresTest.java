package dev.agentforge.jdbc.audit;

import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

@ExtendWith(AuditPostgresDatabase.class)
class JdbcAuditStorePostgresTest extends JdbcAuditStoreContract {

    private String schema;
    private PGSimpleDataSource dataSource;

    @BeforeEach
    void createSchema() throws SQLException {
        AuditPostgresDatabase.requireAvailable();
        schema = AuditPostgresDatabase.createSchema();
        dataSource = new PGSimpleDataSource();
        dataSource.setURL(AuditPostgresDatabase.URL);
        dataSource.setUser(AuditPostgresDatabase.USER);
        dataSource.setCurrentSchema(schema);
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (schema != null) {
            AuditPostgresDatabase.dropSchema(schema);
        }
    }

    @Override
    DataSource dataSource() {
        return dataSource;
    }
}
