package dev.agentforge.monitor.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Clocks and log tampering for the audit tests. */
final class AuditTestSupport {

    static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    private AuditTestSupport() {
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

    /** Returns every record of the directory's files, in file and line order. */
    static List<AuditRecord> readAll(JsonLinesAuditStore store) {
        List<AuditRecord> records = new ArrayList<>();
        for (Path file : store.files()) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    records.add(AuditCodec.fromJson(line));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return records;
    }

    /**
     * Plays an attacker with write access to the files: reads every record, lets {@code edit} change
     * the list, and writes the result back as the only file.
     */
    static void tamper(JsonLinesAuditStore store, UnaryOperator<List<AuditRecord>> edit) {
        List<AuditRecord> edited = edit.apply(new ArrayList<>(readAll(store)));
        try {
            for (Path file : store.files()) {
                Files.delete(file);
            }
            if (edited.isEmpty()) {
                return;
            }
            StringBuilder text = new StringBuilder();
            for (AuditRecord record : edited) {
                text.append(AuditCodec.toJson(record)).append('\n');
            }
            AuditRecord first = edited.getFirst();
            String name = "audit-" + first.time().toString().substring(0, 10) + "-"
                    + String.format("%019d", first.sequence()) + ".jsonl";
            Files.writeString(store.directory().resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Re-chains records from the first on with this hasher, as an attacker who recomputes hashes does. */
    static List<AuditRecord> rechain(List<AuditRecord> records, ChainHasher hasher, boolean renumber) {
        List<AuditRecord> result = new ArrayList<>();
        AuditRecord previous = null;
        for (AuditRecord record : records) {
            long sequence = renumber && previous != null ? previous.sequence() + 1 : record.sequence();
            String previousHash = previous == null ? record.previousHash() : previous.hash();
            AuditRecord relinked = record.relinked(sequence, previousHash);
            relinked = relinked.withHash(hasher.hash(relinked));
            result.add(relinked);
            previous = relinked;
        }
        return result;
    }

    /** Returns an entry of a plain admin action, numbered for tests that need distinct records. */
    static AuditEntry entry(int number) {
        return AuditEntry.builder("alice", "admin.setting.change").resource("setting-" + number)
                .detail("changed setting " + number).build();
    }
}
