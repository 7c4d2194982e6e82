package dev.agentforge.jdbc.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.monitor.audit.AuditEntry;
import dev.agentforge.monitor.audit.AuditLog;
import dev.agentforge.monitor.audit.AuditOutcome;
import dev.agentforge.monitor.audit.AuditQuery;
import dev.agentforge.monitor.audit.AuditRecord;
import dev.agentforge.monitor.audit.AuditVerification;
import dev.agentforge.monitor.audit.ChainHasher;
import dev.agentforge.monitor.audit.PurgeResult;
import dev.agentforge.monitor.audit.RequestOrigin;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The checks every database passes with {@link JdbcAuditStore}; subclasses supply the data source. */
abstract class JdbcAuditStoreContract {

    static final Instant START = Instant.parse("2026-03-01T10:00:00.123456789Z");
    private static final byte[] KEY = "a test key of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8);

    final ManualClock clock = new ManualClock(START);

    /** Returns the data source of an empty database or schema. */
    abstract DataSource dataSource();

    private AuditLog open() {
        return AuditLog.builder(JdbcAuditStore.create(dataSource()))
                .anchorStore(JdbcAnchorStore.create(dataSource()))
                .hasher(ChainHasher.hmacSha256(KEY)).clock(clock).retention(Duration.ofDays(30)).build();
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private void fill(AuditLog log) {
        log.record(AuditEntry.builder("alice", "run.start").resource("run_a").runId("run_a")
                .origin(new RequestOrigin("127.0.0.1", "curl/8.5")).build());
        clock.advance(Duration.ofMinutes(1));
        log.record(AuditEntry.builder("alice", "tool.call").resource("sql_query").runId("run_a")
                .attribute("argumentsSha256", "ab").build());
        clock.advance(Duration.ofMinutes(1));
        log.record(AuditEntry.builder("alice", "run.cancel").resource("run_a").runId("run_a").build());
        clock.advance(Duration.ofMinutes(1));
        log.record(AuditEntry.builder("bob", "run.start").resource("run_b").runId("run_b").build());
        clock.advance(Duration.ofMinutes(1));
        log.recordAdmin("alice", "admin.setting.change", "maxSteps", AuditOutcome.SUCCESS, "10 to 12");
        clock.advance(Duration.ofMinutes(1));
        log.recordAuthenticationFailure("bob", RequestOrigin.NONE, "wrong password=secret1");
        clock.advance(Duration.ofMinutes(1));
    }

    @Test
    void recordsReadBackAsWritten() {
        try (AuditLog log = open()) {
            fill(log);

            AuditVerification result = log.verify();

            assertThat(result.valid()).as(result.problem()).isTrue();
            assertThat(result.anchorStatus()).isEqualTo("matched");
            AuditRecord first = log.query(AuditQuery.all()).getFirst();
            assertThat(first.time()).isEqualTo(Instant.parse("2026-03-01T10:00:00.123456Z"));
            assertThat(first.clientAddress()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void queriesFilterAndPage() {
        try (AuditLog log = open()) {
            fill(log);
            Instant start = START.truncatedTo(java.time.temporal.ChronoUnit.MICROS);

            assertThat(log.query(AuditQuery.builder().actor("alice").build()))
                    .extracting(AuditRecord::sequence).containsExactly(1L, 2L, 3L, 5L);
            assertThat(log.query(AuditQuery.builder().action("run.*").build()))
                    .extracting(AuditRecord::sequence).containsExactly(1L, 3L, 4L);
            assertThat(log.query(AuditQuery.builder().action("admin.*").build()))
                    .extracting(AuditRecord::detail).containsExactly("10 to 12");
            assertThat(log.query(AuditQuery.builder().from(start.plusSeconds(60)).to(start.plusSeconds(180)).build()))
                    .extracting(AuditRecord::sequence).containsExactly(2L, 3L);
            assertThat(log.query(AuditQuery.builder().runId("run_a").build())).hasSize(3);
            assertThat(log.query(AuditQuery.builder().afterSequence(2).limit(2).build()))
                    .extracting(AuditRecord::sequence).containsExactly(3L, 4L);
            assertThat(log.query(AuditQuery.builder().action("auth.failure").build()).getFirst().detail())
                    .isEqualTo("wrong password=[REDACTED]");
            assertThat(log.query(AuditQuery.builder().action("run_*").build())).isEmpty();
        }
    }

    @Test
    void editedRowIsNamed() throws SQLException {
        try (AuditLog log = open()) {
            fill(log);
            execute("UPDATE agentforge_audit SET actor = 'mallory' WHERE sequence = 3");

            AuditVerification result = log.verify();

            assertThat(result.firstBadSequence()).isEqualTo(3);
        }
    }

    @Test
    void deletedRowIsNamed() throws SQLException {
        try (AuditLog log = open()) {
            fill(log);
            execute("DELETE FROM agentforge_audit WHERE sequence = 2");

            AuditVerification result = log.verify();

            assertThat(result.firstBadSequence()).isEqualTo(2);
        }
    }

    @Test
    void truncatedTailNamedByAnchor() throws SQLException {
        try (AuditLog log = open()) {
            fill(log);
            execute("DELETE FROM agentforge_audit WHERE sequence >= 5");

            AuditVerification withoutAnchor = log.verify(null);
            AuditVerification withAnchor = log.verify();

            assertThat(withoutAnchor.valid()).isTrue();
            assertThat(withAnchor.firstBadSequence()).isEqualTo(5);
        }
    }

    @Test
    void purgeKeepsChainVerifiable() {
        try (AuditLog log = open()) {
            fill(log);
            clock.advance(Duration.ofDays(31));
            log.recordAdmin("alice", "admin.setting.change", "maxSteps", AuditOutcome.SUCCESS, "12 to 14");

            PurgeResult purge = log.purgeExpired();
            AuditVerification result = log.verify();

            assertThat(purge.deleted()).isEqualTo(6);
            assertThat(result.valid()).as(result.problem()).isTrue();
            assertThat(result.firstSequence()).isEqualTo(7);
        }
    }

    @Test
    void concurrentWritersFormOneChain() throws Exception {
        try (AuditLog a = open(); AuditLog b = open()) {
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (AuditLog log : List.of(a, b)) {
                writers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 25; i++) {
                        log.record(AuditEntry.builder("alice", "admin.step").resource("r" + i).build());
                    }
                }));
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();

            AuditVerification result = a.verify();

            assertThat(result.valid()).as(result.problem()).isTrue();
            assertThat(result.records()).isEqualTo(50);
        }
    }

    /** A clock that the test moves forward by hand. */
    static final class ManualClock extends Clock {
        private Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
