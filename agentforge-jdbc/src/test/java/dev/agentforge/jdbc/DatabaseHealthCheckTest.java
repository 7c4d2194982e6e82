package dev.agentforge.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentforge.monitor.ReadinessContributor.Status;
import dev.agentforge.monitor.ReadinessRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DatabaseHealthCheckTest {

    private static HikariDataSource h2Pool(String poolName, int maxPoolSize) {
        String url = "jdbc:h2:mem:health_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        return DataSources.create(JdbcPoolSettings.builder(url)
                .user("sa")
                .password("s3cret")
                .poolName(poolName)
                .maxPoolSize(maxPoolSize)
                .minIdle(1)
                .connectionTimeout(Duration.ofSeconds(2))
                .validationTimeout(Duration.ofSeconds(1))
                .build());
    }

    @Test
    void reachableDatabaseIsReady() throws Exception {
        try (HikariDataSource dataSource = h2Pool("health-up", 2)) {
            Status status = new DatabaseHealthCheck(dataSource, Duration.ofSeconds(5)).check();

            assertThat(status.ready()).isTrue();
            assertThat(status.name()).isEqualTo("health-up");
            assertThat(status.reason()).startsWith("pool health-up at jdbc:h2:mem:health_");
            assertThat(status.reason()).contains("active=1, idle=", ", waiting=0, total=");
            assertThat(status.reason()).doesNotContain("DB_CLOSE_DELAY").doesNotContain("s3cret");
        }
    }

    @Test
    void registryReportsCheckUnderItsName() {
        try (HikariDataSource dataSource = h2Pool("health-registry", 2)) {
            ReadinessRegistry registry = new ReadinessRegistry();
            registry.register("database", new DatabaseHealthCheck(dataSource));

            ReadinessRegistry.Report report = registry.check();

            assertThat(report.ready()).isTrue();
            assertThat(report.statuses()).extracting(Status::name).containsExactly("database");
        }
    }

    @Test
    void exhaustedPoolIsNotReady() throws Exception {
        try (HikariDataSource dataSource = h2Pool("health-busy", 1);
                Connection borrowed = dataSource.getConnection()) {
            Status status = new DatabaseHealthCheck(dataSource, Duration.ofMillis(500)).check();

            assertThat(status.ready()).isFalse();
            assertThat(status.reason()).startsWith("pool health-busy at jdbc:h2:mem:health_");
            assertThat(status.reason()).contains("active=1", "total=1");
            assertThat(borrowed.isValid(5)).isTrue();
        }
    }

    @Test
    void closedPoolIsNotReady() throws Exception {
        HikariDataSource dataSource = h2Pool("health-closed", 1);
        DatabaseHealthCheck check = new DatabaseHealthCheck(dataSource);
        dataSource.close();

        Status status = check.check();

        assertThat(status.ready()).isFalse();
        assertThat(status.reason()).contains("health-closed").contains("is closed");
    }

    @Test
    void rejectsNonPositiveTimeout() {
        try (HikariDataSource dataSource = h2Pool("health-args", 1)) {
            assertThatThrownBy(() -> new DatabaseHealthCheck(dataSource, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("timeout must be positive, got PT0S");
        }
    }

    @Test
    void redactUrlDropsCredentialsAndParameters() {
        assertThat(DatabaseHealthCheck.redactUrl("jdbc:postgresql://127.0.0.1:5432/shop?user=a&password=b"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/shop");
        assertThat(DatabaseHealthCheck.redactUrl("jdbc:mysql://app:pw@127.0.0.1:3306/shop"))
                .isEqualTo("jdbc:mysql://127.0.0.1:3306/shop");
        assertThat(DatabaseHealthCheck.redactUrl("jdbc:sqlserver://127.0.0.1;user=a;password=b"))
                .isEqualTo("jdbc:sqlserver://127.0.0.1");
        assertThat(DatabaseHealthCheck.redactUrl("jdbc:oracle:thin:scott/tiger@127.0.0.1:1521:orcl"))
                .isEqualTo("jdbc:oracle:thin:@127.0.0.1:1521:orcl");
        assertThat(DatabaseHealthCheck.redactUrl("jdbc:h2:mem:test;PASSWORD=x")).isEqualTo("jdbc:h2:mem:test");
    }
}
