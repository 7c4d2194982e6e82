package dev.agentforge.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.sql.DataSource;

/**
 * A writer of plain-text descriptions of a schema's tables for a model to read: one line per table with
 * its comment, then one line per column with type, nullability, primary key, foreign key and comment.
 */
final class SchemaDescriber {

    /** Tables beyond this many are counted but not listed, to keep the tool description short. */
    static final int MAX_TABLES = 100;

    private static final Set<String> TABLE_TYPES = Set.of(
            "TABLE", "BASE TABLE", "VIEW", "PARTITIONED TABLE", "MATERIALIZED VIEW", "FOREIGN TABLE");

    private SchemaDescriber() {
    }

    /** Describes {@code schema}, or the connection's current schema when it is null. */
    static String describe(DataSource dataSource, String schema) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData metaData = connection.getMetaData();
            String schemaName = schema != null ? schema : connection.getSchema();
            String catalog = connection.getCatalog();
            boolean foldsToUpperCase = metaData.storesUpperCaseIdentifiers();
            List<String[]> tables = tables(metaData, catalog, schemaName);

            StringBuilder text = new StringBuilder();
            int listed = 0;
            for (String[] table : tables) {
                if (listed == MAX_TABLES) {
                    text.append("... and ").append(tables.size() - MAX_TABLES).append(" more tables, not listed.\n");
                    break;
                }
                describeTable(text, metaData, catalog, schemaName, table[0], table[1], foldsToUpperCase);
                listed++;
            }
            if (tables.isEmpty()) {
                text.append("The schema ").append(schemaName).append(" has no tables.\n");
            }
            return text.toString().stripTrailing();
        }
    }

    // Returns {name, remarks} pairs. The schema name is a pattern in JDBC metadata, so '_' and '%' are escaped.
    private static List<String[]> tables(DatabaseMetaData metaData, String catalog, String schema) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (ResultSet rows = metaData.getTables(catalog, escape(metaData, schema), "%", null)) {
            while (rows.next()) {
                String type = rows.getString("TABLE_TYPE");
                if (type != null && TABLE_TYPES.contains(type.toUpperCase(Locale.ROOT))) {
                    tables.add(new String[] {rows.getString("TABLE_NAME"), rows.getString("REMARKS")});
                }
            }
        }
        return tables;
    }

    private static void describeTable(StringBuilder text, DatabaseMetaData metaData, String catalog, String schema,
            String table, String remarks, boolean foldsToUpperCase) throws SQLException {
        Set<String> primaryKey = new LinkedHashSet<>();
        try (ResultSet rows = metaData.getPrimaryKeys(catalog, schema, table)) {
            while (rows.next()) {
                primaryKey.add(rows.getString("COLUMN_NAME"));
            }
        }
        List<String[]> foreignKeys = new ArrayList<>();
        try (ResultSet rows = metaData.getImportedKeys(catalog, schema, table)) {
            while (rows.next()) {
                foreignKeys.add(new String[] {rows.getString("FKCOLUMN_NAME"),
                        display(rows.getString("PKTABLE_NAME"), foldsToUpperCase) + "."
                                + display(rows.getString("PKCOLUMN_NAME"), foldsToUpperCase)});
            }
        }
        text.append("Table ").append(display(table, foldsToUpperCase));
        appendRemarks(text, remarks);
        text.append('\n');
        try (ResultSet rows = metaData.getColumns(catalog, escape(metaData, schema), escape(metaData, table), "%")) {
            while (rows.next()) {
                String column = rows.getString("COLUMN_NAME");
                text.append("  ").append(display(column, foldsToUpperCase)).append(' ').append(type(rows));
                if ("NO".equals(rows.getString("IS_NULLABLE"))) {
                    text.append(" NOT NULL");
                }
                if (primaryKey.contains(column)) {
                    text.append(", primary key");
                }
                for (String[] foreignKey : foreignKeys) {
                    if (foreignKey[0].equals(column)) {
                        text.append(", references ").append(foreignKey[1]);
                    }
                }
                appendRemarks(text, rows.getString("REMARKS"));
                text.append('\n');
            }
        }
    }

    private static String type(ResultSet column) throws SQLException {
        String name = column.getString("TYPE_NAME");
        int dataType = column.getInt("DATA_TYPE");
        int size = column.getInt("COLUMN_SIZE");
        int digits = column.getInt("DECIMAL_DIGITS");
        return switch (dataType) {
            case Types.DECIMAL, Types.NUMERIC -> size > 0 ? name + "(" + size + ", " + digits + ")" : name;
            case Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR ->
                    size > 0 && size < 1_000_000 ? name + "(" + size + ")" : name;
            default -> name;
        };
    }

    private static void appendRemarks(StringBuilder text, String remarks) {
        if (remarks != null && !remarks.isBlank()) {
            text.append(" -- ").append(remarks.strip().replaceAll("\\s+", " "));
        }
    }

    // H2 folds unquoted names to upper case and matches them in any case, so lower case is shown: it reads better.
    private static String display(String identifier, boolean foldsToUpperCase) {
        if (foldsToUpperCase && identifier.equals(identifier.toUpperCase(Locale.ROOT))) {
            return identifier.toLowerCase(Locale.ROOT);
        }
        return identifier;
    }

    private static String escape(DatabaseMetaData metaData, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        String escape = metaData.getSearchStringEscape();
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }
}
