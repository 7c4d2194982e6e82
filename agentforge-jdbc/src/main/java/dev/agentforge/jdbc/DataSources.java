package dev.agentforge.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
     * connections; see {@link #create(String, String, String, String, int)}.
     */
    public static HikariDataSource create(String jdbcUrl, String user, String password) {
        return create(jdbcUrl, user, password, DEFAULT_POOL_NAME, DEFAULT_MAX_POOL_SIZE);
    }

    /**
     * Creates a pool and opens its first connection, so a wrong URL or password fails here and not on
     * the first tool call. The pool settings are those of {@link #config}.
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
        HikariConfig config = config(jdbcUrl, user, password, poolName, maxPoolSize);
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException | IllegalStateException e) {
            // HikariCP wraps a failed first connection, and reports a missing driver as a plain RuntimeException.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("Cannot connect to " + jdbcUrl + " as user " + user + ": "
                    + cause.getMessage() + ". Check that the database is running and that the URL, user and"
                    + " password are right.", e);
        }
    }

    /**
     * Returns the pool settings that {@link #create} uses, for callers that build the pool themselves:
     * at most {@code maxPoolSize} connections, idle connections kept down to 1 and closed after 10
     * minutes, and a wait of at most {@link #CONNECTION_TIMEOUT} for a free connection. The driver is
     * found from the URL, so it only has to be on the classpath.
     *
     * @throws IllegalArgumentException if an argument is invalid
     */
    public static HikariConfig config(String jdbcUrl, String user, String password, String poolName,
            int maxPoolSize) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException("Invalid JDBC URL '" + jdbcUrl
                    + "': it must start with jdbc:, for example jdbc:postgresql://127.0.0.1:5432/mydb");
        }
        Objects.requireNonNull(poolName, "poolName");
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1, got " + maxPoolSize);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName(poolName);
        config.setMaximumPoolSize(maxPoolSize);
        config.setMinimumIdle(1);
        config.setIdleTimeout(Duration.ofMinutes(10).toMillis());
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        return config;
    }
}
