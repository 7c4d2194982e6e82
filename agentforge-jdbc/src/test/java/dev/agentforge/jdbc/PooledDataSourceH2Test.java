package dev.agentforge.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Runs pools from {@link JdbcPoolSettings} over in-memory H2 databases. */
class PooledDataSourceH2Test {

    private static String h2Url() {
        return "jdbc:h2:mem:pool_" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void poolUsesSettings() throws Exception {
        JdbcPoolSettings settings = JdbcPoolSettings.builder(h2Url())
                .user("sa")
                .password("")
                .poolName("h2-settings")
                .maxPoolSize(3)
                .minIdle(2)
                .connectionTimeout(Duration.ofSeconds(4))
                .validationTimeout(Duration.ofSeconds(1))
                .leakDetectionThreshold(Duration.ofSeconds(30))
                .build();

        try (HikariDataSource dataSource = DataSources.create(settings)) {
            assertThat(dataSource.getPoolName()).isEqualTo("h2-settings");
            assertThat(dataSource.getMaximumPoolSize()).isEqualTo(3);
            assertThat(dataSource.getMinimumIdle()).isEqualTo(2);
            assertThat(dataSource.getConnectionTimeout()).isEqualTo(4_000);
            assertThat(dataSource.getValidationTimeout()).isEqualTo(1_000);
            assertThat(dataSource.getLeakDetectionThreshold()).isEqualTo(30_000);
            assertThat(dataSource.getExceptionOverride()).isInstanceOf(ConnectionLossEviction.class);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(dataSource.getHikariPoolMXBean().getIdleConnections()).isEqualTo(2));
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT 1")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void metricsRegisterInRegistry() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JdbcPoolSettings settings = JdbcPoolSettings.builder(h2Url())
                .user("sa")
                .poolName("h2-metrics")
                .maxPoolSize(4)
                .meterRegistry(registry)
                .build();

        try (HikariDataSource dataSource = DataSources.create(settings)) {
            try (Connection connection = dataSource.getConnection()) {
                assertThat(registry.get("hikaricp.connections.active").tag("pool", "h2-metrics").gauge().value())
                        .isEqualTo(1.0);
                assertThat(connection.isValid(5)).isTrue();
            }

            assertThat(registry.getMeters())
                    .extracting(meter -> meter.getId().getName())
                    .contains("hikaricp.connections", "hikaricp.connections.active", "hikaricp.connections.idle",
                            "hikaricp.connections.pending", "hikaricp.connections.max", "hikaricp.connections.min",
                            "hikaricp.connections.timeout", "hikaricp.connections.acquire",
                            "hikaricp.connections.usage", "hikaricp.connections.creation");
            assertThat(registry.getMeters())
                    .extracting((Meter meter) -> meter.getId().getTag("pool"))
                    .containsOnly("h2-metrics");
            assertThat(registry.get("hikaricp.connections.max").gauge().value()).isEqualTo(4.0);
            // HikariCP caches the pool statistics behind its gauges for up to a second.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(registry.get("hikaricp.connections.active").gauge().value()).isZero());
            assertThat(registry.get("hikaricp.connections.acquire").timer().count()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void heldConnectionTriggersLeakWarning() throws Exception {
        // 2 s is the smallest threshold HikariCP accepts, so this test takes at least that long.
        JdbcPoolSettings settings = JdbcPoolSettings.builder(h2Url())
                .user("sa")
                .poolName("h2-leak")
                .maxPoolSize(2)
                .leakDetectionThreshold(Duration.ofSeconds(2))
                .build();

        try (LogCapture log = new LogCapture("com.zaxxer.hikari.pool.ProxyLeakTask");
                HikariDataSource dataSource = DataSources.create(settings)) {
            try (Connection held = dataSource.getConnection()) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> log.events().stream().anyMatch(PooledDataSourceH2Test::isLeakWarning));
                assertThat(held.isValid(5)).isTrue();
            }
            ILoggingEvent warning = log.events().stream().filter(PooledDataSourceH2Test::isLeakWarning)
                    .findFirst().orElseThrow();
            assertThat(warning.getFormattedMessage()).contains(Thread.currentThread().getName());
            assertThat(warning.getThrowableProxy()).as("stack trace of the borrower").isNotNull();
            await().atMost(Duration.ofSeconds(30)).until(() -> log.events().stream()
                    .anyMatch(event -> event.getFormattedMessage().contains("was returned to the pool (unleaked)")));
        }
    }

    private static boolean isLeakWarning(ILoggingEvent event) {
        return event.getLevel() == Level.WARN && event.getFormattedMessage().startsWith("Connection leak detection");
    }
}
