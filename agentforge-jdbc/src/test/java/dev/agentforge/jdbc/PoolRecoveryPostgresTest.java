package dev.agentforge.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ends the server sessions of a pool with {@code pg_terminate_backend}, as a database restart does,
 * and checks how many borrowers see a failure afterwards. Only sessions whose
 * {@code application_name} is this test's unique pool name are ended.
 */
@ExtendWith(PostgresTestDatabase.class)
class PoolRecoveryPostgresTest {

    private static final int POOL_SIZE = 4;
    private static final int BORROWERS = 10;

    // HikariCP 7.1.0 reads this property when a pool starts. Below this idle time it hands out a
    // connection without an alive check. A window longer than the test makes every borrow after the
    // kill skip the check, so the tests do not depend on how quickly they run.
    private static final String ALIVE_BYPASS_WINDOW = "com.zaxxer.hikari.aliveBypassWindowMs";

    /** A failed {@code SELECT 1}; {@link SQLException} itself is an Iterable, which confuses AssertJ. */
    private record Failure(String sqlState, String message) {

        static Failure of(SQLException e) {
            return new Failure(e.getSQLState(), e.getMessage());
        }
    }

    private final String poolName = "agentforge-recovery-" + UUID.randomUUID().toString().substring(0, 12);
    private HikariDataSource dataSource;

    @BeforeAll
    static void requireDatabase() {
        PostgresTestDatabase.requireAvailable();
    }

    @AfterEach
    void closePool() {
        if (dataSource != null) {
            dataSource.close();
        }
    }

    @Test
    void sequentialBorrowersSeeOneFailure() throws Exception {
        dataSource = startFilledPool(true);

        List<Failure> results = new ArrayList<>();
        try (LogCapture log = new LogCapture(ConnectionLossEviction.class)) {
            assertThat(terminateBackends()).isEqualTo(POOL_SIZE);
            for (int i = 0; i < BORROWERS; i++) {
                results.add(selectOne());
            }

            Failure first = results.get(0);
            assertThat(first).as("the first borrower gets a dead connection").isNotNull();
            assertThat(ConnectionLossEviction.isConnectionLoss(first.sqlState()))
                    .as("SQLState %s is a connection loss", first.sqlState()).isTrue();
            assertThat(results.subList(1, BORROWERS)).as("later borrowers").containsOnlyNulls();

            List<ILoggingEvent> warnings = log.events().stream().filter(e -> e.getLevel() == Level.WARN).toList();
            assertThat(warnings).hasSize(1);
            String warning = warnings.get(0).getFormattedMessage();
            assertThat(warning).contains("Pool '" + poolName + "'");
            assertThat(warning).contains("SQLState " + first.sqlState());
            assertThat(warning).contains("idle connections evicted: " + (POOL_SIZE - 1));
        }
    }

    @Test
    void withoutEvictionDeadConnectionsRepeat() throws Exception {
        // The same scenario on a pool without the eviction shows what the eviction prevents.
        dataSource = startFilledPool(false);
        assertThat(terminateBackends()).isEqualTo(POOL_SIZE);

        int failures = 0;
        for (int i = 0; i < BORROWERS; i++) {
            failures += selectOne() == null ? 0 : 1;
        }

        assertThat(failures).isGreaterThan(1);
    }

    @Test
    void connectionsInUseFailOnceEach() throws Exception {
        dataSource = startFilledPool(true);
        Connection firstHeld = dataSource.getConnection();
        Connection secondHeld = dataSource.getConnection();
        assertThat(terminateBackends()).isEqualTo(POOL_SIZE);

        // A connection that was borrowed when the server ended it is dead, so its holder fails once.
        assertThat(selectOne(firstHeld)).isNotNull();
        assertThat(selectOne(secondHeld)).isNotNull();
        firstHeld.close();
        secondHeld.close();

        for (int i = 0; i < BORROWERS; i++) {
            assertThat(selectOne()).as("borrower %d", i).isNull();
        }
    }

    @Test
    void concurrentBorrowersFailAtMostOncePerConnection() throws Exception {
        dataSource = startFilledPool(true);
        assertThat(terminateBackends()).isEqualTo(POOL_SIZE);

        // Borrowers that take a dead connection before the first failure evicts the rest each fail,
        // so the bound is one failure per connection that was open at the kill.
        int concurrent = 3 * POOL_SIZE;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Failure>> outcomes = new ArrayList<>();
        try (ExecutorService borrowers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < concurrent; i++) {
                outcomes.add(borrowers.submit(() -> {
                    start.await();
                    return selectOne();
                }));
            }
            start.countDown();
        }
        List<Failure> failures = new ArrayList<>();
        for (Future<Failure> outcome : outcomes) {
            failures.add(outcome.get());
        }
        failures.removeIf(Objects::isNull);

        assertThat(failures).hasSizeLessThanOrEqualTo(POOL_SIZE);
        assertThat(failures).allSatisfy(failure -> assertThat(ConnectionLossEviction.isConnectionLoss(failure.sqlState()))
                .as("SQLState %s of %s", failure.sqlState(), failure.message()).isTrue());
        for (int i = 0; i < BORROWERS; i++) {
            assertThat(selectOne()).as("borrower %d after the concurrent ones", i).isNull();
        }
    }

    private HikariDataSource startFilledPool(boolean withEviction) {
        JdbcPoolSettings settings = JdbcPoolSettings.builder(PostgresTestDatabase.URL)
                .user(PostgresTestDatabase.USER)
                .poolName(poolName)
                .maxPoolSize(POOL_SIZE)
                .minIdle(POOL_SIZE)
                .build();
        String previous = System.setProperty(ALIVE_BYPASS_WINDOW, String.valueOf(Duration.ofMinutes(10).toMillis()));
        HikariDataSource pool;
        try {
            pool = withEviction ? DataSources.create(settings) : new HikariDataSource(DataSources.config(settings));
        } finally {
            if (previous == null) {
                System.clearProperty(ALIVE_BYPASS_WINDOW);
            } else {
                System.setProperty(ALIVE_BYPASS_WINDOW, previous);
            }
        }
        HikariPoolMXBean state = pool.getHikariPoolMXBean();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(state.getTotalConnections()).isEqualTo(POOL_SIZE);
            assertThat(state.getIdleConnections()).isEqualTo(POOL_SIZE);
        });
        return pool;
    }

    // Ends this pool's sessions and waits up to 5 s for each to exit; returns how many ended. The pids
    // are read first and each is ended with pg_terminate_backend in the select list: in a WHERE clause
    // PostgreSQL may call it before the application_name filter, on sessions that are not this pool's.
    private int terminateBackends() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", PostgresTestDatabase.USER);
        try (Connection admin = DriverManager.getConnection(PostgresTestDatabase.URL, properties)) {
            List<Integer> pids = new ArrayList<>();
            try (PreparedStatement select = admin.prepareStatement("SELECT pid FROM pg_stat_activity"
                    + " WHERE application_name = ? AND pid <> pg_backend_pid()")) {
                select.setString(1, poolName);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        pids.add(rows.getInt(1));
                    }
                }
            }
            int terminated = 0;
            try (PreparedStatement terminate = admin.prepareStatement("SELECT pg_terminate_backend(pid, 5000)"
                    + " FROM pg_stat_activity WHERE pid = ? AND application_name = ?")) {
                for (int pid : pids) {
                    terminate.setInt(1, pid);
                    terminate.setString(2, poolName);
                    try (ResultSet rows = terminate.executeQuery()) {
                        terminated += rows.next() && rows.getBoolean(1) ? 1 : 0;
                    }
                }
            }
            return terminated;
        }
    }

    // Borrows a connection and runs SELECT 1; returns the failure, or null on success.
    private Failure selectOne() {
        try (Connection connection = dataSource.getConnection()) {
            return selectOne(connection);
        } catch (SQLException e) {
            return Failure.of(e);
        }
    }

    private static Failure selectOne(Connection connection) {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT 1")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(1);
            return null;
        } catch (SQLException e) {
            return Failure.of(e);
        }
    }
}
