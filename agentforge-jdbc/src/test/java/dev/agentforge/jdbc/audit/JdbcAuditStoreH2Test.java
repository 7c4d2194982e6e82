package dev.agentforge.jdbc.audit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcAuditStoreH2Test extends JdbcAuditStoreContract {

    private JdbcDataSource dataSource;

    @BeforeEach
    void openDatabase() {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:audit_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    @Override
    DataSource dataSource() {
        return dataSource;
    }

    @Test
    void rejectsUnsafeTableName() {
        assertThatThrownBy(() -> JdbcAuditStore.create(dataSource, "audit; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Invalid table name");
    }
}
