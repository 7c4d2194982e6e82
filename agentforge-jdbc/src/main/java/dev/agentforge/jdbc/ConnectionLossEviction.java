package dev.agentforge.jdbc;

import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evicts every connection of a pool when one of them reports that the database connection was lost,
 * so that the next borrowers get new connections.
 *
 * <p>HikariCP evicts the connection that failed, but it checks an idle connection on borrow only when
 * it was idle longer than 500 ms (its {@code com.zaxxer.hikari.aliveBypassWindowMs}). After a database
 * restart it can therefore hand out several dead connections in a row. This override hooks into
 * HikariCP's own exception check ({@link SQLExceptionOverride}, called for each {@link SQLException}
 * that a pooled connection or statement throws) and calls {@link HikariPoolMXBean#softEvictConnections()}:
 * idle connections close at once, and borrowed ones close when they are returned.
 *
 * <p>It never changes HikariCP's decision about the failed connection itself.
 */
final class ConnectionLossEviction implements SQLExceptionOverride {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLossEviction.class);

    // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (PostgreSQL). Class 08 is
    // the SQL standard's connection exception class.
    private static final Set<String> CONNECTION_LOSS_STATES = Set.of("57P01", "57P02", "57P03");

    // After a warning, further evictions within this window log at DEBUG and are counted, so that a
    // restart that breaks every connection of a large pool logs one WARN line.
    private static final Duration WARNING_INTERVAL = Duration.ofSeconds(10);

    private final String poolName;
    private volatile HikariPoolMXBean pool;
    private final AtomicLong lastWarningNanos = new AtomicLong();
    private final AtomicInteger evictionsSinceWarning = new AtomicInteger();
    private volatile boolean warned;

    ConnectionLossEviction(String poolName) {
        this.poolName = poolName;
    }

    /** Connects this override to the pool it evicts from, once the pool is running. */
    void attach(HikariPoolMXBean pool) {
        this.pool = pool;
    }

    /** Returns whether a SQLState means that the connection to the database is gone. */
    static boolean isConnectionLoss(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || CONNECTION_LOSS_STATES.contains(sqlState));
    }

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        if (isConnectionLoss(e.getSQLState())) {
            evictAll(e);
        }
        // CONTINUE_EVICT keeps HikariCP's default: it evicts the failed connection for class 08 and 57P0x.
        return Override.CONTINUE_EVICT;
    }

    private void evictAll(SQLException e) {
        HikariPoolMXBean target = pool;
        if (target == null) {
            LOG.warn("Pool '{}' lost a database connection (SQLState {}) before it finished starting;"
                    + " no idle connections were evicted", poolName, e.getSQLState());
            return;
        }
        // The count is the pool's idle count just before the eviction; a concurrent return can change it.
        int idle = target.getIdleConnections();
        target.softEvictConnections();
        logEviction(e, idle);
    }

    private void logEviction(SQLException e, int idle) {
        long now = System.nanoTime();
        long last = lastWarningNanos.get();
        boolean due = !warned || now - last >= WARNING_INTERVAL.toNanos();
        if (due && lastWarningNanos.compareAndSet(last, now)) {
            warned = true;
            int earlier = evictionsSinceWarning.getAndSet(0);
            String repeats = earlier == 0 ? "" : " (" + earlier + " more evictions since the last warning)";
            LOG.warn("Pool '{}' lost a database connection (SQLState {}: {}), so it evicted every connection"
                    + " and the next borrowers get new ones; idle connections evicted: {}{}", poolName,
                    e.getSQLState(), e.getMessage(), idle, repeats);
        } else {
            evictionsSinceWarning.incrementAndGet();
            LOG.debug("Pool '{}' lost another database connection (SQLState {}); idle connections evicted: {}",
                    poolName, e.getSQLState(), idle);
        }
    }
}
