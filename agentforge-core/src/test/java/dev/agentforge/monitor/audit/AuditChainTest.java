package dev.agentforge.monitor.audit;

import static dev.agentforge.monitor.audit.AuditTestSupport.START;
import static dev.agentforge.monitor.audit.AuditTestSupport.entry;
import static dev.agentforge.monitor.audit.AuditTestSupport.rechain;
import static dev.agentforge.monitor.audit.AuditTestSupport.tamper;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.monitor.audit.AuditTestSupport.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditChainTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ATTACKER_KEY = "a guessed key that is long enough for HMAC".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(START);
    private final List<AuditLog> logs = new ArrayList<>();

    @AfterEach
    void closeLogs() {
        logs.forEach(AuditLog::close);
    }

    private AuditLog open(ChainHasher hasher, AnchorStore anchors) {
        AuditLog log = AuditLog.builder(JsonLinesAuditStore.builder(directory.resolve("log")).build())
                .hasher(hasher).anchorStore(anchors).clock(clock).retention(Duration.ofDays(30)).build();
        logs.add(log);
        return log;
    }

    private static void writeRecords(AuditLog log, ManualClock clock, int count) {
        for (int i = 1; i <= count; i++) {
            log.record(entry(i));
            clock.advance(Duration.ofMinutes(1));
        }
    }

    private static JsonLinesAuditStore files(AuditLog log) {
        return (JsonLinesAuditStore) log.store();
    }

    @Test
    void untouchedLogVerifies() {
        AuditLog log = open(ChainHasher.hmacSha256(KEY), new FileAnchorStore(directory.resolve("anchor.json")));
        writeRecords(log, clock, 5);

        AuditVerification result = log.verify();

        assertThat(result.valid()).isTrue();
        assertThat(result.records()).isEqualTo(5);
        assertThat(result.firstBadSequence()).isNull();
        assertThat(result.anchorStatus()).isEqualTo("matched");
        assertThat(result.algorithm()).isEqualTo("HMAC-SHA-256");
    }

    @Test
    void editedRecordIsNamed() {
        for (ChainHasher hasher : List.of(ChainHasher.sha256(), ChainHasher.hmacSha256(KEY))) {
            AuditLog log = open(hasher, null);
            writeRecords(log, clock, 6);
            tamper(files(log), records -> {
                records.set(3, records.get(3).withDetail("changed nothing"));
                return records;
            });

            AuditVerification result = log.verify(null);

            assertThat(result.valid()).as(hasher.algorithm()).isFalse();
            assertThat(result.firstBadSequence()).as(hasher.algorithm()).isEqualTo(4);
            assertThat(result.problem()).contains("hash of record 4 does not match its content");
            log.close();
            tamper(files(log), records -> List.of());
        }
    }

    @Test
    void editedAndRehashedRecordIsNamedWithKey() {
        AuditLog log = open(ChainHasher.hmacSha256(KEY), null);
        writeRecords(log, clock, 6);
        tamper(files(log), records -> {
            AuditRecord edited = records.get(2).withDetail("harmless");
            records.set(2, edited.withHash(ChainHasher.hmacSha256(ATTACKER_KEY).hash(edited)));
            return records;
        });

        AuditVerification result = log.verify(null);

        assertThat(result.firstBadSequence()).isEqualTo(3);
    }

    @Test
    void rehashedWholeLogIsNamedAtFirstRecord() {
        AuditLog log = open(ChainHasher.hmacSha256(KEY), null);
        writeRecords(log, clock, 8);
        // The attacker deletes record 3, renumbers the rest and rehashes them, but lacks the key.
        tamper(files(log), records -> {
            records.remove(2);
            return rechain(records, ChainHasher.hmacSha256(ATTACKER_KEY), true);
        });

        AuditVerification result = log.verify(null);

        assertThat(result.valid()).isFalse();
        assertThat(result.firstBadSequence()).isEqualTo(1);
        assertThat(result.records()).isEqualTo(7);
    }

    @Test
    void relinkedTailNamedWithKey() {
        AuditLog log = open(ChainHasher.hmacSha256(KEY), null);
        writeRecords(log, clock, 8);
        // The attacker keeps records 1 and 2 as they are and rehashes from the deleted position on.
        tamper(files(log), records -> {
            records.remove(2);
            List<AuditRecord> head = new ArrayList<>(records.subList(0, 2));
            List<AuditRecord> tail = new ArrayList<>(records.subList(2, records.size()));
            tail.set(0, tail.getFirst().relinked(3, head.getLast().hash()));
            head.addAll(rechain(tail, ChainHasher.hmacSha256(ATTACKER_KEY), true));
            return head;
        });

        AuditVerification result = log.verify(null);

        assertThat(result.firstBadSequence()).isEqualTo(3);
        assertThat(result.problem()).contains("hash of record 3 does not match");
    }

    @Test
    void deletedRecordWithoutRelinkIsNamed() {
        AuditLog log = open(ChainHasher.sha256(), null);
        writeRecords(log, clock, 8);
        tamper(files(log), records -> {
            records.remove(4);
            return records;
        });

        AuditVerification result = log.verify(null);

        assertThat(result.firstBadSequence()).isEqualTo(5);
        assertThat(result.problem()).contains("record 5 is missing");
    }

    @Test
    void relinkedRecordWithPlainHashNeedsAnchor() {
        AuditLog log = open(ChainHasher.sha256(), new FileAnchorStore(directory.resolve("anchor.json")));
        writeRecords(log, clock, 8);
        tamper(files(log), records -> {
            records.remove(2);
            List<AuditRecord> head = new ArrayList<>(records.subList(0, 2));
            List<AuditRecord> tail = new ArrayList<>(records.subList(2, records.size()));
            tail.set(0, tail.getFirst().relinked(3, head.getLast().hash()));
            head.addAll(rechain(tail, ChainHasher.sha256(), true));
            return head;
        });

        AuditVerification withoutAnchor = log.verify(null);
        AuditVerification withAnchor = log.verify();

        assertThat(withoutAnchor.valid()).as("a rewritten SHA-256 chain is consistent in itself").isTrue();
        assertThat(withAnchor.valid()).isFalse();
        assertThat(withAnchor.firstBadSequence()).isEqualTo(8);
        assertThat(withAnchor.anchorStatus()).isEqualTo("mismatch");
    }

    @Test
    void rewrittenChainWithPlainHashMismatchesAnchor() {
        AuditLog log = open(ChainHasher.sha256(), new FileAnchorStore(directory.resolve("anchor.json")));
        writeRecords(log, clock, 5);
        tamper(files(log), records -> {
            records.set(1, records.get(1).withDetail("rewritten"));
            return rechain(records, ChainHasher.sha256(), false);
        });

        AuditVerification result = log.verify();

        assertThat(result.firstBadSequence()).isEqualTo(5);
        assertThat(result.problem()).contains("differs from the anchor");
    }

    @Test
    void truncatedTailOnlyAnchorReveals() {
        AuditLog log = open(ChainHasher.hmacSha256(KEY), new FileAnchorStore(directory.resolve("anchor.json")));
        writeRecords(log, clock, 6);
        tamper(files(log), records -> new ArrayList<>(records.subList(0, 4)));

        AuditVerification withoutAnchor = log.verify(null);
        AuditVerification withAnchor = log.verify();

        assertThat(withoutAnchor.valid()).isTrue();
        assertThat(withAnchor.valid()).isFalse();
        assertThat(withAnchor.firstBadSequence()).isEqualTo(5);
        assertThat(withAnchor.problem()).contains("the log ends at record 4, but the anchor names record 6");
    }

    @Test
    void emptiedLogOnlyAnchorReveals() {
        AuditLog log = open(ChainHasher.sha256(), new FileAnchorStore(directory.resolve("anchor.json")));
        writeRecords(log, clock, 3);
        tamper(files(log), records -> List.of());

        AuditVerification result = log.verify();

        assertThat(result.firstBadSequence()).isEqualTo(1);
    }

    @Test
    void purgeKeepsChainVerifiable() {
        AuditLog log = open(ChainHasher.hmacSha256(KEY), new FileAnchorStore(directory.resolve("anchor.json")));
        writeRecords(log, clock, 4);
        clock.advance(Duration.ofDays(31));
        writeRecords(log, clock, 2);

        PurgeResult purge = log.purgeExpired();
        AuditVerification result = log.verify();

        assertThat(purge.deleted()).isEqualTo(4);
        assertThat(purge.purgedThroughSequence()).isEqualTo(4);
        assertThat(purge.marker().action()).isEqualTo(AuditActions.AUDIT_PURGE);
        assertThat(result.valid()).as(result.problem()).isTrue();
        assertThat(result.firstSequence()).isEqualTo(5);
        assertThat(result.lastSequence()).isEqualTo(7);
    }

    @Test
    void repeatedPurgesKeepChainVerifiable() {
        AuditLog log = open(ChainHasher.sha256(), new FileAnchorStore(directory.resolve("anchor.json")));
        for (int round = 0; round < 3; round++) {
            writeRecords(log, clock, 3);
            clock.advance(Duration.ofDays(31));
            log.purgeExpired();
        }

        AuditVerification result = log.verify();

        assertThat(result.valid()).as(result.problem()).isTrue();
        assertThat(result.records()).isEqualTo(1);
        assertThat(log.query(AuditQuery.all())).extracting(AuditRecord::action).containsExactly("audit.purge");
    }

    @Test
    void headCutAfterPurgeIsNamed() {
        AuditLog log = open(ChainHasher.sha256(), null);
        writeRecords(log, clock, 3);
        clock.advance(Duration.ofDays(31));
        writeRecords(log, clock, 3);
        log.purgeExpired();
        tamper(files(log), records -> new ArrayList<>(records.subList(1, records.size())));

        AuditVerification result = log.verify(null);

        assertThat(result.firstBadSequence()).isEqualTo(4);
        assertThat(result.problem()).contains("records 4 to 4 are missing");
    }

    @Test
    void headCutWithoutPurgeIsNamed() {
        AuditLog log = open(ChainHasher.sha256(), null);
        writeRecords(log, clock, 5);
        tamper(files(log), records -> new ArrayList<>(records.subList(2, records.size())));

        AuditVerification result = log.verify(null);

        assertThat(result.firstBadSequence()).isEqualTo(1);
        assertThat(result.problem()).contains("no audit.purge record");
    }

    @Test
    void unreadableLineIsNamed() throws Exception {
        AuditLog log = open(ChainHasher.sha256(), null);
        writeRecords(log, clock, 4);
        Path file = files(log).files().getFirst();
        List<String> lines = new ArrayList<>(java.nio.file.Files.readAllLines(file));
        lines.set(2, "{not json");
        java.nio.file.Files.write(file, lines);

        AuditVerification result = log.verify(null);

        assertThat(result.firstBadSequence()).isEqualTo(3);
        assertThat(result.problem()).contains("Line 3");
    }

    @Test
    void anchorOnlyMovesForward() {
        FileAnchorStore anchors = new FileAnchorStore(directory.resolve("anchor.json"));

        anchors.advance(new AuditAnchor(5, "a".repeat(64)));
        anchors.advance(new AuditAnchor(3, "b".repeat(64)));

        assertThat(anchors.read()).contains(new AuditAnchor(5, "a".repeat(64)));
    }

    @Test
    void chainContinuesAfterReopen() {
        FileAnchorStore anchors = new FileAnchorStore(directory.resolve("anchor.json"));
        AuditLog first = open(ChainHasher.hmacSha256(KEY), anchors);
        writeRecords(first, clock, 3);
        first.close();

        AuditLog second = open(ChainHasher.hmacSha256(KEY), anchors);
        AuditRecord next = second.record(entry(4));

        assertThat(next.sequence()).isEqualTo(4);
        assertThat(second.verify().valid()).isTrue();
    }

    @Test
    void verifierRejectsWrongKey() {
        AuditLog log = open(ChainHasher.hmacSha256(KEY), null);
        writeRecords(log, clock, 2);

        AuditVerification result = new AuditVerifier(ChainHasher.hmacSha256(ATTACKER_KEY)).verify(log.store(), null);

        assertThat(result.firstBadSequence()).isEqualTo(1);
        assertThat(result.problem()).contains("another key");
    }
}
