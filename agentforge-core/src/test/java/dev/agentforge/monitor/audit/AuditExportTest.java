package dev.agentforge.monitor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class AuditExportTest {

    private static AuditRecord record(long sequence, String actor, String detail, String userAgent) {
        AuditRecord draft = new AuditRecord(sequence, Instant.parse("2026-03-01T10:00:00Z"), actor, "tool.call",
                "sql_query", AuditOutcome.SUCCESS, detail, "run_1", "127.0.0.1", userAgent,
                Map.of("argumentsSha256", "ab"), sequence == 1 ? ChainHasher.GENESIS : "x", "");
        return draft.withHash(ChainHasher.sha256().hash(draft));
    }

    @Test
    void csvQuotesSpecialCharacters() {
        AuditRecord tricky = record(1, "ada, the admin", "said \"hi\"\r\nand left", "curl/8.5");
        StringWriter out = new StringWriter();

        AuditExport.writeCsv(List.of(tricky), out);

        List<List<String>> rows = parseCsv(out.toString());
        assertThat(out.toString()).startsWith("sequence,time,actor,action,resource,outcome,detail,runId,"
                + "clientAddress,userAgent,attributes,previousHash,hash\r\n");
        assertThat(out.toString()).contains("\"ada, the admin\"").contains("\"said \"\"hi\"\"\r\nand left\"");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).get(2)).isEqualTo("ada, the admin");
        assertThat(rows.get(1).get(6)).isEqualTo("said \"hi\"\r\nand left");
        assertThat(rows.get(1).get(10)).isEqualTo("{\"argumentsSha256\":\"ab\"}");
    }

    @Test
    void csvGuardsFormulas() {
        List<String> risky = List.of("=HYPERLINK(\"http://127.0.0.1\")", "+1", "-2+3", "@SUM(A1)", "\tx");
        List<AuditRecord> records = new ArrayList<>();
        for (int i = 0; i < risky.size(); i++) {
            records.add(record(i + 1, "ada", risky.get(i), null));
        }
        StringWriter guarded = new StringWriter();
        StringWriter raw = new StringWriter();

        AuditExport.writeCsv(records, guarded);
        AuditExport.writeCsv(records, raw, false);

        List<List<String>> rows = parseCsv(guarded.toString());
        for (int i = 0; i < risky.size(); i++) {
            assertThat(rows.get(i + 1).get(6)).isEqualTo("'" + risky.get(i));
        }
        assertThat(rows.get(1).get(0)).isEqualTo("1");
        assertThat(parseCsv(raw.toString()).get(1).get(6)).isEqualTo(risky.get(0));
    }

    @Property
    void csvFieldRoundTrips(@ForAll String value) {
        String field = AuditExport.csvField(value, false);

        List<List<String>> rows = parseCsv(field + "\r\n");

        assertThat(rows).hasSize(1);
        assertThat(rows.getFirst()).containsExactly(value);
    }

    @Test
    void jsonLinesRoundTripVerifies() {
        InMemoryAuditStore store = new InMemoryAuditStore();
        try (AuditLog log = AuditLog.builder(store).build()) {
            log.record(AuditEntry.builder("ada", "admin.user.create").resource("bob").detail("line1\nline2, \"q\"")
                    .build());
            log.record(AuditEntry.builder("ada", "admin.user.delete").resource("bob").build());
            StringWriter out = new StringWriter();

            AuditExport.writeJsonLines(store.records(), out);
            List<AuditRecord> back = AuditExport.readJsonLines(new StringReader(out.toString()));

            assertThat(back).isEqualTo(store.records());
            assertThat(new AuditVerifier(ChainHasher.sha256()).verify(back, log.anchor().orElseThrow()).valid())
                    .isTrue();
        }
    }

    @Test
    void jsonArrayHasEveryRecord() {
        StringWriter out = new StringWriter();

        AuditExport.writeJsonArray(List.of(record(1, "ada", null, null), record(2, "bob", null, null)), out);

        assertThat(out.toString()).startsWith("[{\"sequence\":1,").contains("},{\"sequence\":2,").endsWith("}]");
    }

    @Test
    void canonicalJsonSortsKeysAndNormalizesNumbers() {
        assertThat(AuditCodec.canonicalJson("{\"b\": 1.50, \"a\": {\"d\": [3, 2], \"c\": null}}"))
                .isEqualTo("{\"a\":{\"c\":null,\"d\":[3,2]},\"b\":1.5}");
        assertThat(AuditCodec.canonicalJson("{\"n\": 1.0}")).isEqualTo(AuditCodec.canonicalJson("{\"n\":1}"));
        assertThat(AuditCodec.canonicalJson("{broken")).isNull();
    }

    // A strict RFC 4180 reader: quoted fields may hold commas, CR, LF and doubled quotes.
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        boolean quoted = false;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i += 2;
                    continue;
                }
                if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
                i++;
                continue;
            }
            if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
            i++;
        }
        return rows;
    }
}
