package dev.agentforge.monitor.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes audit records as a JSON array, as JSON lines, or as CSV.
 *
 * <p>JSON keeps every record in its stored form, so a JSON export can be read back with
 * {@link #readJsonLines} and verified. CSV follows RFC 4180: fields are separated by commas, records
 * end with CRLF, and a field that contains a comma, a double quote, CR or LF is enclosed in double
 * quotes, with each double quote inside doubled. The {@code attributes} column contains the attributes
 * as a JSON object.
 *
 * <p>CSV is usually opened in a spreadsheet, which runs a cell that starts with {@code =}, {@code +},
 * {@code -} or {@code @} as a formula. With the formula guard on, which is the default, such a text
 * cell, and one that starts with a tab or CR, is written with a leading {@code '}, as OWASP advises.
 * The guard changes those values, so verify a log from its JSON export, never from its CSV.
 */
public final class AuditExport {

    /** The CSV columns, in order: the record fields. */
    public static final List<String> CSV_COLUMNS = AuditCodec.FIELDS;

    private AuditExport() {
    }

    /** Writes the records as one JSON array of records in their stored form. */
    public static void writeJsonArray(Iterable<AuditRecord> records, Writer out) {
        try {
            out.write('[');
            boolean first = true;
            for (AuditRecord record : records) {
                if (!first) {
                    out.write(',');
                }
                out.write(AuditCodec.toJson(record));
                first = false;
            }
            out.write(']');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing the audit export failed", e);
        }
    }

    /** Writes the records as JSON lines: one record per line in its stored form, each ending with LF. */
    public static void writeJsonLines(Iterable<AuditRecord> records, Writer out) {
        try {
            for (AuditRecord record : records) {
                out.write(AuditCodec.toJson(record));
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing the audit export failed", e);
        }
    }

    /**
     * Reads records written by {@link #writeJsonLines}, skipping blank lines.
     *
     * @throws IllegalArgumentException naming the line number of a line that is not a record
     */
    public static List<AuditRecord> readJsonLines(Reader in) {
        List<AuditRecord> records = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(in)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    records.add(AuditCodec.fromJson(line));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Line " + number + " of the export: " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the audit export failed", e);
        }
        return records;
    }

    /** Writes the records as CSV with a header row and the formula guard on. */
    public static void writeCsv(Iterable<AuditRecord> records, Writer out) {
        writeCsv(records, out, true);
    }

    /** Writes the records as CSV with a header row; {@code formulaGuard} prefixes formula-like text cells. */
    public static void writeCsv(Iterable<AuditRecord> records, Writer out, boolean formulaGuard) {
        try {
            writeRow(out, CSV_COLUMNS, false);
            for (AuditRecord record : records) {
                List<String> row = new ArrayList<>();
                row.add(Long.toString(record.sequence()));
                row.add(record.time().toString());
                row.add(record.actor());
                row.add(record.action());
                row.add(record.resource());
                row.add(record.outcome().value());
                row.add(record.detail());
                row.add(record.runId());
                row.add(record.clientAddress());
                row.add(record.userAgent());
                row.add(record.attributes().isEmpty() ? "" : AuditCodec.mapper().writeValueAsString(record.attributes()));
                row.add(record.previousHash());
                row.add(record.hash());
                writeRow(out, row, formulaGuard);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing the audit export failed", e);
        }
    }

    /** Returns one field in CSV form: quoted when needed, with the formula guard applied first when on. */
    public static String csvField(String value, boolean formulaGuard) {
        if (value == null) {
            return "";
        }
        String text = formulaGuard && startsLikeFormula(value) ? "'" + value : value;
        boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\r') >= 0
                || text.indexOf('\n') >= 0;
        return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }

    private static boolean startsLikeFormula(String value) {
        if (value.isEmpty()) {
            return false;
        }
        char first = value.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
    }

    private static void writeRow(Writer out, List<String> fields, boolean formulaGuard) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            // The sequence number is the only numeric column, so the guard never touches it.
            out.write(csvField(fields.get(i), formulaGuard && i > 0));
        }
        out.write("\r\n");
    }
}
