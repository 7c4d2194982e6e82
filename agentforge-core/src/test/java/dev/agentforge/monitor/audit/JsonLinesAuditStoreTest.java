package dev.agentforge.monitor.audit;

import static dev.agentforge.monitor.audit.AuditTestSupport.START;
import static dev.agentforge.monitor.audit.AuditTestSupport.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.monitor.audit.AuditTestSupport.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesAuditStoreTest {

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(START);

    @Test
    void rotatesBySizeAndChainsAcrossFiles() {
        JsonLinesAuditStore store = JsonLinesAuditStore.builder(directory).maxFileBytes(1_000).build();
        try (AuditLog log = AuditLog.builder(store).clock(clock).build()) {
            for (int i = 1; i <= 12; i++) {
                log.record(entry(i));
            }

            assertThat(store.files()).hasSizeGreaterThan(3);
            assertThat(store.files().getFirst().getFileName().toString())
                    .isEqualTo("audit-2026-03-01-0000000000000000001.jsonl");
            assertThat(log.verify().valid()).isTrue();
            assertThat(log.query(AuditQuery.builder().limit(100).build())).hasSize(12);
        }
    }

    @Test
    void rotatesByDay() {
        JsonLinesAuditStore store = JsonLinesAuditStore.builder(directory).build();
        try (AuditLog log = AuditLog.builder(store).clock(clock).build()) {
            log.record(entry(1));
            clock.advance(Duration.ofDays(1));
            log.record(entry(2));
            log.record(entry(3));

            assertThat(store.files()).extracting(path -> path.getFileName().toString()).containsExactly(
                    "audit-2026-03-01-0000000000000000001.jsonl", "audit-2026-03-02-0000000000000000002.jsonl");
            assertThat(log.verify().valid()).isTrue();
        }
    }

    @Test
    void twoWritersFormOneChain() throws Exception {
        JsonLinesAuditStore first = JsonLinesAuditStore.builder(directory).fsync(JsonLinesAuditStore.FsyncPolicy.NEVER)
                .build();
        JsonLinesAuditStore second = JsonLinesAuditStore.builder(directory)
                .fsync(JsonLinesAuditStore.FsyncPolicy.NEVER).build();
        try (AuditLog a = AuditLog.builder(first).clock(clock).build();
                AuditLog b = AuditLog.builder(second).clock(clock).build()) {
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (AuditLog log : List.of(a, b)) {
                writers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 50; i++) {
                        log.record(entry(i));
                    }
                }));
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();

            AuditVerification result = a.verify(null);
            assertThat(result.valid()).as(result.problem()).isTrue();
            assertThat(result.records()).isEqualTo(100);
        }
    }

    @Test
    void incompleteLastLineCutBeforeAppend() throws Exception {
        JsonLinesAuditStore store = JsonLinesAuditStore.builder(directory).build();
        try (AuditLog log = AuditLog.builder(store).clock(clock).build()) {
            log.record(entry(1));
        }
        Path file = store.files().getFirst();
        Files.writeString(file, "{\"sequence\":2,\"time\":\"20", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        JsonLinesAuditStore reopened = JsonLinesAuditStore.builder(directory).build();
        try (AuditLog log = AuditLog.builder(reopened).clock(clock).build()) {
            AuditRecord second = log.record(entry(2));

            assertThat(second.sequence()).isEqualTo(2);
            assertThat(log.verify().valid()).isTrue();
            assertThat(Files.readAllLines(file)).hasSize(2);
        }
    }

    @Test
    void queriesFilterAndPage() {
        JsonLinesAuditStore store = JsonLinesAuditStore.builder(directory).build();
        try (AuditLog log = AuditLog.builder(store).clock(clock).build()) {
            AuditStoreContract.fill(log, clock);

            AuditStoreContract.checkQueries(log);
        }
    }

    @Test
    void purgeRewritesPartlyExpiredFile() {
        JsonLinesAuditStore store = JsonLinesAuditStore.builder(directory).rotateDaily(false).build();
        try (AuditLog log = AuditLog.builder(store).clock(clock).retention(Duration.ofDays(1)).build()) {
            log.record(entry(1));
            log.record(entry(2));
            clock.advance(Duration.ofDays(2));
            log.record(entry(3));

            PurgeResult purge = log.purgeExpired();

            assertThat(purge.deleted()).isEqualTo(2);
            assertThat(store.files()).extracting(path -> path.getFileName().toString())
                    .containsExactly("audit-2026-03-03-0000000000000000003.jsonl");
            assertThat(log.verify().valid()).isTrue();
            assertThat(log.record(entry(5)).sequence()).isEqualTo(5);
        }
    }
}
