package dev.agentforge.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DataSourcesTest {

    private static String h2Url() {
        return "jdbc:h2:mem:datasources_" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void createAppliesDefaults() throws Exception {
        try (HikariDataSource dataSource = DataSources.create(h2Url(), "sa", "")) {
            assertThat(dataSource.getPoolName()).isEqualTo(DataSources.DEFAULT_POOL_NAME);
            assertThat(dataSource.getMaximumPoolSize()).isEqualTo(DataSources.DEFAULT_MAX_POOL_SIZE);
            assertThat(dataSource.getConnectionTimeout()).isEqualTo(DataSources.CONNECTION_TIMEOUT.toMillis());
            try (Connection connection = dataSource.getConnection()) {
                assertThat(connection.isValid(5)).isTrue();
            }
        }
    }

    @Test
    void createUsesPoolNameAndSize() {
        try (HikariDataSource dataSource = DataSources.create(h2Url(), "sa", "", "shop", 3)) {
            assertThat(dataSource.getPoolName()).isEqualTo("shop");
            assertThat(dataSource.getMaximumPoolSize()).isEqualTo(3);
        }
    }

    @Test
    void rejectsInvalidArguments() {
        assertThatThrownBy(() -> DataSources.create("postgresql://127.0.0.1/x", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with jdbc:");
        assertThatThrownBy(() -> DataSources.create(h2Url(), "sa", "", "pool", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxPoolSize must be at least 1, got 0");
    }

    @Test
    void unreachableDatabaseFailsWithoutPassword() {
        // Port 1 on loopback has no PostgreSQL, so the first connection is refused.
        assertThatThrownBy(() -> DataSources.create("jdbc:postgresql://127.0.0.1:1/none", "someone", "s3cret"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot connect to jdbc:postgresql://127.0.0.1:1/none as user someone")
                .hasMessageContaining("Check that the database is running")
                .message().doesNotContain("s3cret");
    }
}
