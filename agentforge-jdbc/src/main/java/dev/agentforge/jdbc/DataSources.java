package dev.agentforge.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import com.zaxxer.hikari.pool.HikariPool;
import java.time.Duration;
import java.util.Objects;

/** Factory methods for HikariCP connection pools with defaults that suit agent tools. */
public final class DataSources {

    /** The pool name when none is given. */
    public static final String DEFAULT_POOL_NAME = "agentforge";

    /** The maximum pool size when none is given. */
    public static final int DEFAULT_MAX_POOL_SIZE = 10;

    /** The maximum time a caller waits for a free connection before the pool throws. */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    private DataSources() {
    }

    /**
     * Creates a pool named {@value #DEFAULT_POOL_NAME} of at most {@value #DEFAULT_MAX_POOL_SIZE}
     * connections; see {@link #create(JdbcPoolSettings)}.
     */
    public static HikariDataSource create(String jdbcUrl, String user, String password) {
        return create(jdbcUrl, user, password, DEFAULT_POOL_NAME, DEFAULT_MAX_POOL_SIZE);
    }

    /**
     * Creates a pool and opens its first connection, so a wrong URL or password fails here and not on
     * the first tool call. The pool settings are those of {@link #config(JdbcPoolSettings)} with the
     * defaults of {@link JdbcPoolSettings.Builder} for everything not given here.
     *
     * @param jdbcUrl the JDBC URL, such as {@code jdbc:postgresql://127.0.0.1:5432/shop}
     * @param user the database user, or null when the URL or driver supplies it
     * @param password the password, or null for none
     * @param poolName the pool name shown in logs and metrics
     * @param maxPoolSize the maximum number of open connections, at least 1
     * @throws IllegalArgumentException if an argument is invalid
     * @throws IllegalStateException if the first connection cannot be opened; the message names the URL
     *     and user but never the password
     */
    public static HikariDataSource create(String jdbcUrl, String user, String password, String poolName,
            int maxPoolSize) {
        return create(settings(jdbcUrl, user, password, poolName, maxPoolSize));
    }

    /**
     * Creates a pool from the settings and opens its first connection, so a wrong URL or password fails
     * here and not on the first tool call.
     *
     * <p>The pool evicts all its connections when one of them fails with a connection-loss SQLState
     * (class 08, or PostgreSQL's 57P01, 57P02 and 57P03), so after a database restart each connection
     * that was open fails at most one statement, and the first such failure closes all idle ones.
     * docs/pools.md describes the guarantee.
     *
     * @throws IllegalStateException if the first connection cannot be opened; the message names the URL
     *     and user but never the password
     */
    public static HikariDataSource create(JdbcPoolSettings settings) {
        HikariConfig config = config(settings);
        ConnectionLossEviction eviction = new ConnectionLossEviction(settings.poolName());
        config.setExceptionOverride(eviction);
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException | IllegalStateException e) {
            // HikariCP wraps a failed first connection, and reports a missing driver as a plain RuntimeException.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("Cannot connect to " + DatabaseHealthCheck.redactUrl(settings.jdbcUrl())
                    + " as user " + settings.user()
                    + ": " + cause.getMessage() + ". Check that the database is running and that the URL, user and"
                    + " password are right.", e);
        }
        eviction.attach(dataSource.getHikariPoolMXBean());
        return dataSource;
    }

    /**
     * Returns the pool settings that {@link #create(String, String, String, String, int)} uses, for
     * callers that build the pool themselves: see {@link #config(JdbcPoolSettings)}.
     *
     * @throws IllegalArgumentException if an argument is invalid
     */
    public static HikariConfig config(String jdbcUrl, String user, String password, String poolName,
            int maxPoolSize) {
        return config(settings(jdbcUrl, user, password, poolName, maxPoolSize));
    }

    /**
     * Returns the HikariCP configuration for these settings, for callers that build the pool themselves.
     * The driver is found from the URL, so it only has to be on the classpath. For a
     * {@code jdbc:postgresql:} URL the pool name is also sent as the {@code ApplicationName} connection
     * property, so the pool's sessions show it in {@code pg_stat_activity.application_name}, unless
     * the URL sets its own.
     *
     * <p>The eviction of all connections after a connection loss is not part of this configuration,
     * because it needs the running pool: only {@link #create(JdbcPoolSettings)} adds it.
     */
    public static HikariConfig config(JdbcPoolSettings settings) {
        Objects.requireNonNull(settings, "settings");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setPoolName(settings.poolName());
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setMinimumIdle(settings.minIdle());
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        config.setIdleTimeout(settings.idleTimeout().toMillis());
        config.setMaxLifetime(settings.maxLifetime().toMillis());
        config.setValidationTimeout(settings.validationTimeout().toMillis());
        config.setLeakDetectionThreshold(settings.leakDetectionThreshold().toMillis());
        if (settings.meterRegistry() != null) {
            config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(settings.meterRegistry()));
        }
        // ApplicationName is the PostgreSQL driver's property; other drivers name it differently or lack it.
        if (settings.jdbcUrl().startsWith("jdbc:postgresql:")) {
            config.addDataSourceProperty("ApplicationName", settings.poolName());
        }
        return config;
    }

    private static JdbcPoolSettings settings(String jdbcUrl, String user, String password, String poolName,
            int maxPoolSize) {
        return JdbcPoolSettings.builder(jdbcUrl)
                .user(user)
                .password(password)
                .poolName(poolName)
                .maxPoolSize(maxPoolSize)
                .build();
    }
}
