package dev.agentforge.monitor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.monitor.audit.AuditTestSupport.ManualClock;
import java.time.Duration;
import java.time.Instant;

/** The query checks every audit store passes, over the records {@link #fill} writes. */
public final class AuditStoreContract {

    private AuditStoreContract() {
    }

    /**
     * Writes six records a minute apart from 2026-03-01T10:00:00Z. Alice starts run_a, calls a tool
     * and cancels the run. Bob starts run_b, alice changes a setting, and bob fails to log in.
     */
    public static void fill(AuditLog log, ManualClock clock) {
        log.record(AuditEntry.builder("alice", "run.start").resource("run_a").runId("run_a").build());
        clock.advance(Duration.ofMinutes(1));
        log.record(AuditEntry.builder("alice", "tool.call").resource("sql_query").runId("run_a").build());
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

    /** Checks filters by actor, action, action prefix, time range and run id, and paging. */
    public static void checkQueries(AuditLog log) {
        Instant start = AuditTestSupport.START;
        assertThat(log.query(AuditQuery.builder().actor("alice").build()))
                .extracting(AuditRecord::sequence).containsExactly(1L, 2L, 3L, 5L);
        assertThat(log.query(AuditQuery.builder().action("run.start").build()))
                .extracting(AuditRecord::actor).containsExactly("alice", "bob");
        assertThat(log.query(AuditQuery.builder().action("run.*").build()))
                .extracting(AuditRecord::sequence).containsExactly(1L, 3L, 4L);
        assertThat(log.query(AuditQuery.builder().action("admin.*").build()))
                .extracting(AuditRecord::detail).containsExactly("10 to 12");
        assertThat(log.query(AuditQuery.builder().from(start.plusSeconds(60)).to(start.plusSeconds(180)).build()))
                .extracting(AuditRecord::sequence).containsExactly(2L, 3L);
        assertThat(log.query(AuditQuery.builder().runId("run_a").build())).hasSize(3);
        assertThat(log.query(AuditQuery.builder().actor("alice").runId("run_a").action("tool.call").build()))
                .extracting(AuditRecord::resource).containsExactly("sql_query");
        assertThat(log.query(AuditQuery.builder().limit(2).build()))
                .extracting(AuditRecord::sequence).containsExactly(1L, 2L);
        assertThat(log.query(AuditQuery.builder().afterSequence(2).limit(2).build()))
                .extracting(AuditRecord::sequence).containsExactly(3L, 4L);
        assertThat(log.query(AuditQuery.builder().action("auth.failure").build()).getFirst())
                .satisfies(record -> {
                    assertThat(record.outcome()).isEqualTo(AuditOutcome.DENIED);
                    assertThat(record.detail()).isEqualTo("wrong password=[REDACTED]");
                });
        assertThat(log.query(AuditQuery.builder().actor("nobody").build())).isEmpty();
    }
}
