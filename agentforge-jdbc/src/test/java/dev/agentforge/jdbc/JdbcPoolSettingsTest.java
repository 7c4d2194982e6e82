package dev.agentforge.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JdbcPoolSettingsTest {

    private static final String URL = "jdbc:h2:mem:settings";

    @Test
    void builderAppliesDefaults() {
        JdbcPoolSettings settings = JdbcPoolSettings.builder(URL).build();

        assertThat(settings.poolName()).isEqualTo(DataSources.DEFAULT_POOL_NAME);
        assertThat(settings.maxPoolSize()).isEqualTo(DataSources.DEFAULT_MAX_POOL_SIZE);
        assertThat(settings.minIdle()).isEqualTo(1);
        assertThat(settings.connectionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.maxLifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(settings.validationTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.leakDetectionThreshold()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.meterRegistry()).isNull();
    }

    @Test
    void configCarriesEverySetting() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JdbcPoolSettings settings = JdbcPoolSettings.builder(URL)
                .user("sa")
                .password("pw")
                .poolName("orders")
                .maxPoolSize(6)
                .minIdle(2)
                .connectionTimeout(Duration.ofSeconds(3))
                .idleTimeout(Duration.ofSeconds(40))
                .maxLifetime(Duration.ofMinutes(5))
                .validationTimeout(Duration.ofSeconds(2))
                .leakDetectionThreshold(Duration.ofSeconds(20))
                .meterRegistry(registry)
                .build();

        HikariConfig config = DataSources.config(settings);

        assertThat(config.getJdbcUrl()).isEqualTo(URL);
        assertThat(config.getUsername()).isEqualTo("sa");
        assertThat(config.getPassword()).isEqualTo("pw");
        assertThat(config.getPoolName()).isEqualTo("orders");
        assertThat(config.getMaximumPoolSize()).isEqualTo(6);
        assertThat(config.getMinimumIdle()).isEqualTo(2);
        assertThat(config.getConnectionTimeout()).isEqualTo(3_000);
        assertThat(config.getIdleTimeout()).isEqualTo(40_000);
        assertThat(config.getMaxLifetime()).isEqualTo(300_000);
        assertThat(config.getValidationTimeout()).isEqualTo(2_000);
        assertThat(config.getLeakDetectionThreshold()).isEqualTo(20_000);
        assertThat(config.getMetricsTrackerFactory()).isNotNull();
        assertThat(config.getDataSourceProperties()).doesNotContainKey("ApplicationName");
    }

    @Test
    void postgresUrlSetsApplicationName() {
        HikariConfig config = DataSources.config(JdbcPoolSettings.builder("jdbc:postgresql://127.0.0.1:5432/test")
                .poolName("reports")
                .build());

        assertThat(config.getDataSourceProperties()).containsEntry("ApplicationName", "reports");
    }

    @Test
    void toStringMasksPassword() {
        JdbcPoolSettings settings = JdbcPoolSettings.builder(URL).user("sa").password("s3cret").build();

        assertThat(settings.toString()).doesNotContain("s3cret");
        assertThat(settings.toString()).contains("password=****");
        assertThat(settings.toString()).contains("user=sa");
    }

    @Test
    void toBuilderKeepsSettings() {
        JdbcPoolSettings settings = JdbcPoolSettings.builder(URL).poolName("a").maxPoolSize(3).minIdle(0).build();

        assertThat(settings.toBuilder().build()).isEqualTo(settings);
    }

    @Test
    void rejectsInvalidSizes() {
        assertThatThrownBy(() -> JdbcPoolSettings.builder(URL).maxPoolSize(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPoolSize must be at least 1, got 0");
        assertThatThrownBy(() -> JdbcPoolSettings.builder(URL).maxPoolSize(2).minIdle(3).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minIdle must be from 0 to maxPoolSize (2), got 3");
        assertThatThrownBy(() -> JdbcPoolSettings.builder(URL).poolName(" ").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("poolName must not be blank");
        assertThatThrownBy(() -> JdbcPoolSettings.builder("h2:mem:x").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with jdbc:");
    }

    @Test
    void rejectsTimeoutsHikariWouldChange() {
        assertThatThrownBy(() -> JdbcPoolSettings.builder(URL).connectionTimeout(Duration.ofMillis(100)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectionTimeout must be at least 250 ms, got PT0.1S");
        assertThatThrownBy(() -> JdbcPoolSettings.builder(URL).validationTimeout(Duration.ofSeconds(10)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("validationTimeout (PT10S) must be less than connectionTimeout (PT10S)");
        assertThatThrownBy(() -> JdbcPoolSettings.builder(URL).idleTimeout(Duration.ofSeconds(5)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idleTimeout must be 0 (off) or at least 10000 ms, got PT5S");
        assertThatThrownBy(() -> JdbcPoolSettings.builder(URL).maxLifetime(Duration.ofSeconds(29)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxLifetime must be 0 (off) or at least 30000 ms, got PT29S");
        assertThatThrownBy(() -> JdbcPoolSettings.builder(URL)
                .maxLifetime(Duration.ofSeconds(60)).idleTimeout(Duration.ofSeconds(60)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idleTimeout (PT1M) must be at least 1 s less than maxLifetime (PT1M)");
    }

    @Test
    void rejectsLeakThresholdHikariWouldIgnore() {
        assertThatThrownBy(() -> JdbcPoolSettings.builder(URL).leakDetectionThreshold(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("leakDetectionThreshold must be 0 (off) or at least 2000 ms, got PT1S");
        assertThatThrownBy(() -> JdbcPoolSettings.builder(URL)
                .maxLifetime(Duration.ofMinutes(1)).idleTimeout(Duration.ZERO)
                .leakDetectionThreshold(Duration.ofMinutes(2)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leakDetectionThreshold (PT2M) must not be more than maxLifetime (PT1M)");
    }

    @Test
    void acceptsZeroForOptionalLimits() {
        JdbcPoolSettings settings = JdbcPoolSettings.builder(URL)
                .idleTimeout(Duration.ZERO)
                .maxLifetime(Duration.ZERO)
                .leakDetectionThreshold(Duration.ZERO)
                .minIdle(0)
                .build();

        assertThat(DataSources.config(settings).getLeakDetectionThreshold()).isZero();
        assertThat(DataSources.config(settings).getMaxLifetime()).isZero();
    }
}
