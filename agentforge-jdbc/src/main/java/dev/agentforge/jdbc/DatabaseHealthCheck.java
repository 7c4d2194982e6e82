package dev.agentforge.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.agentforge.monitor.ReadinessContributor;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A readiness check of a HikariCP pool: it borrows a connection, calls {@link Connection#isValid(int)}
 * and returns it. The reason of every status carries the pool's active, idle, waiting and total
 * connection counts and the database URL without credentials or parameters.
 *
 * <p>The probe runs on a virtual thread and {@link #check()} waits for it at most the timeout, because
 * a borrow can block for the pool's connection timeout and a driver's connect or validation can block
 * longer. A probe that is still running when the next check starts is waited on again instead of a
 * second one being started, so a hanging database ties up at most one probe thread.
 */
public final class DatabaseHealthCheck implements ReadinessContributor {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseHealthCheck.class);

    // Credentials in "//user:password@host" and Oracle's "thin:user/password@", and everything after
    // '?' or ';', where drivers take parameters such as password=.
    private static final Pattern USER_INFO = Pattern.compile("//[^/@?;]*@");
    private static final Pattern ORACLE_USER = Pattern.compile("^(jdbc:oracle:[a-z]+:)[^@]*@");

    private final HikariDataSource dataSource;
    private final Duration timeout;
    private final int validSeconds;
    private final String target;
    private final AtomicReference<CompletableFuture<Status>> probe = new AtomicReference<>();
    private final AtomicReference<String> lastLoggedFailure = new AtomicReference<>();

    /** Creates a check that waits at most the pool's validation timeout. */
    public DatabaseHealthCheck(HikariDataSource dataSource) {
        this(dataSource, Duration.ofMillis(Objects.requireNonNull(dataSource, "dataSource").getValidationTimeout()));
    }

    /**
     * Creates a check that waits at most {@code timeout} for the borrow and validation together.
     *
     * @throws IllegalArgumentException if the timeout is not positive
     */
    public DatabaseHealthCheck(HikariDataSource dataSource, Duration timeout) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        // isValid takes whole seconds and 0 means no limit, so round up to at least 1.
        this.validSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        this.target = "pool " + dataSource.getPoolName() + " at " + redactUrl(dataSource.getJdbcUrl());
    }

    /**
     * Checks the database within the timeout. The status is named after the pool; a
     * {@link dev.agentforge.monitor.ReadinessRegistry} renames it to the registered name.
     */
    @Override
    public Status check() throws InterruptedException {
        if (dataSource.isClosed()) {
            return failed(target + " is closed; the service must create a new pool");
        }
        CompletableFuture<Status> running = currentProbe();
        try {
            Status status = running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (status.ready()) {
                lastLoggedFailure.set(null);
            } else {
                logFailure(status.reason(), null);
            }
            return status;
        } catch (TimeoutException e) {
            return failed(target + " did not return a valid connection within " + timeout + "; " + poolState());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String reason = target + " failed the check: " + cause + "; " + poolState();
            logFailure(reason, cause);
            return Status.notReady(dataSource.getPoolName(), reason);
        }
    }

    /** Returns the pool's connection counts, such as {@code active=1, idle=3, waiting=0, total=4}. */
    public String poolState() {
        HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
        if (pool == null) {
            return "pool not started";
        }
        return "active=" + pool.getActiveConnections()
                + ", idle=" + pool.getIdleConnections()
                + ", waiting=" + pool.getThreadsAwaitingConnection()
                + ", total=" + pool.getTotalConnections();
    }

    /** Returns the JDBC URL without user info, password or parameters, for logs and status reasons. */
    static String redactUrl(String jdbcUrl) {
        if (jdbcUrl == null) {
            return "an unknown URL";
        }
        String url = jdbcUrl;
        int parameters = indexOfAny(url, '?', ';');
        if (parameters >= 0) {
            url = url.substring(0, parameters);
        }
        url = USER_INFO.matcher(url).replaceFirst("//");
        return ORACLE_USER.matcher(url).replaceFirst("$1@");
    }

    private static int indexOfAny(String text, char first, char second) {
        int a = text.indexOf(first);
        int b = text.indexOf(second);
        if (a < 0) {
            return b;
        }
        return b < 0 ? a : Math.min(a, b);
    }

    // Returns the running probe, or starts one when none is running.
    private CompletableFuture<Status> currentProbe() {
        while (true) {
            CompletableFuture<Status> current = probe.get();
            if (current != null && !current.isDone()) {
                return current;
            }
            CompletableFuture<Status> fresh = new CompletableFuture<>();
            if (probe.compareAndSet(current, fresh)) {
                Thread.ofVirtual().name("agentforge-db-check-" + dataSource.getPoolName()).start(() -> runProbe(fresh));
                return fresh;
            }
        }
    }

    private void runProbe(CompletableFuture<Status> result) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(validSeconds)) {
                result.complete(new Status(dataSource.getPoolName(), true, target + ": " + poolState()));
            } else {
                result.complete(Status.notReady(dataSource.getPoolName(), target
                        + " returned a connection that failed isValid within " + validSeconds + " s; " + poolState()));
            }
        } catch (SQLException e) {
            result.complete(Status.notReady(dataSource.getPoolName(), target + " failed: " + e.getMessage()
                    + " (SQLState " + e.getSQLState() + "); " + poolState()));
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
        }
    }

    private Status failed(String reason) {
        logFailure(reason, null);
        return Status.notReady(dataSource.getPoolName(), reason);
    }

    // Logs a failure once until the check passes or fails with another reason. The counts in the
    // reason change on every call, so only the part before them is compared.
    private void logFailure(String reason, Throwable cause) {
        int counts = reason.lastIndexOf("; active=");
        String key = counts >= 0 ? reason.substring(0, counts) : reason;
        if (!key.equals(lastLoggedFailure.getAndSet(key))) {
            LOG.warn("Database readiness check failed: {}", reason, cause);
        }
    }
}
