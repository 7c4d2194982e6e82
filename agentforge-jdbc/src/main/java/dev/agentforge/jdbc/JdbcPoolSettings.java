package dev.agentforge.jdbc;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a HikariCP connection pool, checked when built. Each limit below is HikariCP 7.1.0's
 * own: HikariCP replaces or disables a value outside it with only a log warning, so these settings
 * reject such a value instead.
 *
 * @param jdbcUrl the JDBC URL, such as {@code jdbc:postgresql://127.0.0.1:5432/shop}
 * @param user the database user, or null when the URL or driver supplies it
 * @param password the password, or null for none; {@link #toString()} never shows it
 * @param poolName the pool name shown in logs, metrics and, for PostgreSQL, as {@code application_name}
 * @param maxPoolSize the maximum number of open connections, at least 1
 * @param minIdle the number of idle connections the pool keeps open, from 0 to {@code maxPoolSize}
 * @param connectionTimeout how long a borrower waits for a connection, at least 250 ms
 * @param idleTimeout how long a connection above {@code minIdle} may stay idle, 0 for no limit or at
 *     least 10 s, and at least 1 s below {@code maxLifetime}
 * @param maxLifetime the age at which the pool replaces a connection, 0 for no limit or at least 30 s
 * @param validationTimeout how long the pool waits for a connection to pass its alive check, at least
 *     250 ms and less than {@code connectionTimeout}
 * @param leakDetectionThreshold how long a connection may stay borrowed before HikariCP logs a possible
 *     leak, 0 to turn leak detection off or at least 2 s, and at most {@code maxLifetime}
 * @param meterRegistry the registry for the pool's {@code hikaricp.*} metrics, or null for none
 */
public record JdbcPoolSettings(
        String jdbcUrl,
        String user,
        String password,
        String poolName,
        int maxPoolSize,
        int minIdle,
        Duration connectionTimeout,
        Duration idleTimeout,
        Duration maxLifetime,
        Duration validationTimeout,
        Duration leakDetectionThreshold,
        MeterRegistry meterRegistry) {

    /** The number of idle connections kept open when none is set. */
    public static final int DEFAULT_MIN_IDLE = 1;

    /** The idle timeout when none is set: 10 minutes, HikariCP's default. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    /** The maximum connection lifetime when none is set: 30 minutes, HikariCP's default. */
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(30);

    /** The validation timeout when none is set: 5 s, HikariCP's default. */
    public static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofSeconds(5);

    /** The leak detection threshold when none is set: 60 s. HikariCP's own default is 0 (off). */
    public static final Duration DEFAULT_LEAK_DETECTION_THRESHOLD = Duration.ofSeconds(60);

    private static final Duration MIN_TIMEOUT = Duration.ofMillis(250);
    private static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MIN_MAX_LIFETIME = Duration.ofSeconds(30);
    private static final Duration MIN_LEAK_DETECTION_THRESHOLD = Duration.ofSeconds(2);

    // HikariCP turns the idle timeout off when it is within this margin of the maximum lifetime.
    private static final Duration IDLE_TIMEOUT_MARGIN = Duration.ofSeconds(1);

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException naming the invalid setting, its value and the allowed range
     */
    public JdbcPoolSettings {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException("Invalid JDBC URL '" + jdbcUrl
                    + "': it must start with jdbc:, for example jdbc:postgresql://127.0.0.1:5432/mydb");
        }
        Objects.requireNonNull(poolName, "poolName");
        if (poolName.isBlank()) {
            throw new IllegalArgumentException("poolName must not be blank; choose a name that identifies the pool"
                    + " in logs and metrics");
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1, got " + maxPoolSize);
        }
        if (minIdle < 0 || minIdle > maxPoolSize) {
            throw new IllegalArgumentException("minIdle must be from 0 to maxPoolSize (" + maxPoolSize + "), got "
                    + minIdle);
        }
        requireAtLeast("connectionTimeout", connectionTimeout, MIN_TIMEOUT);
        requireAtLeast("validationTimeout", validationTimeout, MIN_TIMEOUT);
        if (validationTimeout.compareTo(connectionTimeout) >= 0) {
            throw new IllegalArgumentException("validationTimeout (" + validationTimeout
                    + ") must be less than connectionTimeout (" + connectionTimeout
                    + "), because the alive check runs while a borrower waits");
        }
        requireZeroOrAtLeast("maxLifetime", maxLifetime, MIN_MAX_LIFETIME);
        requireZeroOrAtLeast("idleTimeout", idleTimeout, MIN_IDLE_TIMEOUT);
        if (!idleTimeout.isZero() && !maxLifetime.isZero()
                && idleTimeout.plus(IDLE_TIMEOUT_MARGIN).compareTo(maxLifetime) > 0) {
            throw new IllegalArgumentException("idleTimeout (" + idleTimeout + ") must be at least 1 s less than"
                    + " maxLifetime (" + maxLifetime + "), otherwise HikariCP turns it off; lower idleTimeout");
        }
        requireZeroOrAtLeast("leakDetectionThreshold", leakDetectionThreshold, MIN_LEAK_DETECTION_THRESHOLD);
        if (!maxLifetime.isZero() && leakDetectionThreshold.compareTo(maxLifetime) > 0) {
            throw new IllegalArgumentException("leakDetectionThreshold (" + leakDetectionThreshold
                    + ") must not be more than maxLifetime (" + maxLifetime + "), otherwise HikariCP turns it off");
        }
    }

    /** Starts settings for a pool over this JDBC URL, with every other setting at its default. */
    public static Builder builder(String jdbcUrl) {
        return new Builder(jdbcUrl);
    }

    /** Returns a builder that starts from these settings. */
    public Builder toBuilder() {
        return new Builder(jdbcUrl)
                .user(user)
                .password(password)
                .poolName(poolName)
                .maxPoolSize(maxPoolSize)
                .minIdle(minIdle)
                .connectionTimeout(connectionTimeout)
                .idleTimeout(idleTimeout)
                .maxLifetime(maxLifetime)
                .validationTimeout(validationTimeout)
                .leakDetectionThreshold(leakDetectionThreshold)
                .meterRegistry(meterRegistry);
    }

    /** Describes the settings with the password masked. */
    @Override
    public String toString() {
        return "JdbcPoolSettings[jdbcUrl=" + jdbcUrl
                + ", user=" + user
                + ", password=" + (password == null ? "null" : "****")
                + ", poolName=" + poolName
                + ", maxPoolSize=" + maxPoolSize
                + ", minIdle=" + minIdle
                + ", connectionTimeout=" + connectionTimeout
                + ", idleTimeout=" + idleTimeout
                + ", maxLifetime=" + maxLifetime
                + ", validationTimeout=" + validationTimeout
                + ", leakDetectionThreshold=" + leakDetectionThreshold
                + ", meterRegistry=" + (meterRegistry == null ? "none" : meterRegistry.getClass().getSimpleName())
                + "]";
    }

    private static void requireAtLeast(String name, Duration value, Duration min) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + min.toMillis() + " ms, got " + value);
        }
    }

    private static void requireZeroOrAtLeast(String name, Duration value, Duration min) {
        Objects.requireNonNull(value, name);
        if (!value.isZero() && value.compareTo(min) < 0) {
            throw new IllegalArgumentException(name + " must be 0 (off) or at least " + min.toMillis()
                    + " ms, got " + value);
        }
    }

    /** Builds {@link JdbcPoolSettings}. Only the JDBC URL is required. */
    public static final class Builder {
        private final String jdbcUrl;
        private String user;
        private String password;
        private String poolName = DataSources.DEFAULT_POOL_NAME;
        private int maxPoolSize = DataSources.DEFAULT_MAX_POOL_SIZE;
        private int minIdle = DEFAULT_MIN_IDLE;
        private Duration connectionTimeout = DataSources.CONNECTION_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
        private Duration validationTimeout = DEFAULT_VALIDATION_TIMEOUT;
        private Duration leakDetectionThreshold = DEFAULT_LEAK_DETECTION_THRESHOLD;
        private MeterRegistry meterRegistry;

        private Builder(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
        }

        /** Sets the database user; the default is none, so the URL or driver supplies it. */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** Sets the password; the default is none. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** Sets the pool name; the default is {@value DataSources#DEFAULT_POOL_NAME}. */
        public Builder poolName(String poolName) {
            this.poolName = poolName;
            return this;
        }

        /** Sets the maximum number of open connections; the default is {@value DataSources#DEFAULT_MAX_POOL_SIZE}. */
        public Builder maxPoolSize(int maxPoolSize) {
            this.maxPoolSize = maxPoolSize;
            return this;
        }

        /** Sets the number of idle connections kept open; the default is {@value #DEFAULT_MIN_IDLE}. */
        public Builder minIdle(int minIdle) {
            this.minIdle = minIdle;
            return this;
        }

        /** Sets how long a borrower waits for a connection; the default is 10 s. */
        public Builder connectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
            return this;
        }

        /** Sets how long a connection above the minimum may stay idle; the default is 10 minutes. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** Sets the age at which a connection is replaced; the default is 30 minutes. */
        public Builder maxLifetime(Duration maxLifetime) {
            this.maxLifetime = maxLifetime;
            return this;
        }

        /** Sets how long the alive check of a connection may take; the default is 5 s. */
        public Builder validationTimeout(Duration validationTimeout) {
            this.validationTimeout = validationTimeout;
            return this;
        }

        /** Sets how long a connection may stay borrowed before a leak warning; the default is 60 s, 0 is off. */
        public Builder leakDetectionThreshold(Duration leakDetectionThreshold) {
            this.leakDetectionThreshold = leakDetectionThreshold;
            return this;
        }

        /** Sets the registry that receives the pool's metrics; the default is none. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @throws IllegalArgumentException if a setting is invalid
         */
        public JdbcPoolSettings build() {
            return new JdbcPoolSettings(jdbcUrl, user, password, poolName, maxPoolSize, minIdle, connectionTimeout,
                    idleTimeout, maxLifetime, validationTimeout, leakDetectionThreshold, meterRegistry);
        }
    }
}
