package dev.agentforge.jdbc;

import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tool, named {@code sql_query} by default, that runs one read-only, parameterised SQL query over a
 * {@link DataSource} and returns the rows as JSON.
 *
 * <p>Arguments: {@code {"sql": "SELECT ... WHERE name = ?", "params": ["Alice"]}}. Each {@code ?} is
 * bound with {@link PreparedStatement#setObject} from {@code params}, in order. The result is
 * {@code {"columns": [...], "rows": [[...], ...], "rowCount": n, "truncated": false}}: numbers are JSON
 * numbers ({@link BigDecimal} values keep their exact digits and scale), dates and times are ISO-8601
 * strings, and binary values are Base64 strings.
 *
 * <p>Safety, in three layers:
 * <ul>
 *   <li>The SQL text must be one {@code SELECT} or {@code WITH ... SELECT} without data-changing parts.
 *       Anything else fails with a {@link ToolException} that explains to the model what is allowed.</li>
 *   <li>The connection is set read-only and the query runs in a transaction that is always rolled back.
 *       PostgreSQL enforces read-only transactions. H2 ignores the flag, but the rollback still undoes
 *       any data change.</li>
 *   <li>At most {@code maxRows} rows are read, and {@code setMaxRows(maxRows + 1)} shows whether more
 *       exist. The statement is cancelled after the timeout ({@code setQueryTimeout}).</li>
 * </ul>
 * NOTE: DDL auto-commits in H2, so on H2 only the text check stops it. For untrusted users, connect as a
 * database user that may only read.
 *
 * <p>SQL errors become a {@link ToolException} carrying the database's message and SQLState, so the
 * model can fix its query.
 */
public final class SqlQueryTool implements Tool {

    /** The default tool name. */
    public static final String DEFAULT_NAME = "sql_query";

    /** The default maximum number of rows returned per query. */
    public static final int DEFAULT_MAX_ROWS = 100;

    /** The default statement timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(SqlQueryTool.class);
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();
    private static final JsonNode PARAMETERS = MAPPER.readTree("""
            {
              "type": "object",
              "properties": {
                "sql": {
                  "type": "string",
                  "description": "One SELECT or WITH ... SELECT statement, with a ? placeholder for every value"
                },
                "params": {
                  "type": "array",
                  "description": "The values for the ? placeholders, in order: strings, numbers, booleans or null",
                  "items": {"type": ["string", "number", "boolean", "null"]}
                }
              },
              "required": ["sql"],
              "additionalProperties": false
            }
            """);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final DataSource dataSource;
    private final String name;
    private final int maxRows;
    private final Duration timeout;
    private final int timeoutSeconds;
    private final String schemaDescription;

    private SqlQueryTool(Builder builder) {
        this.dataSource = builder.dataSource;
        this.name = builder.name;
        this.maxRows = builder.maxRows;
        this.timeout = builder.timeout;
        this.timeoutSeconds = (int) Math.min(Integer.MAX_VALUE, (builder.timeout.toMillis() + 999) / 1000);
        this.schemaDescription = builder.schemaDescription;
    }

    /** Starts a tool that queries {@code dataSource}. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        StringBuilder text = new StringBuilder()
                .append("Runs one read-only SQL query and returns {\"columns\": [...], \"rows\": [[...], ...], ")
                .append("\"rowCount\": n, \"truncated\": false}.\n")
                .append("- Send exactly one SELECT, or WITH ... SELECT. Statements that write, and several ")
                .append("statements in one call, are rejected.\n")
                .append("- Write ? for every value and pass the values in params, in order; never put values ")
                .append("into the SQL text. Example: {\"sql\": \"SELECT * FROM orders WHERE status = ? AND ")
                .append("quantity > ?\", \"params\": [\"paid\", 2]}.\n")
                .append("- To compare a date or timestamp column with a parameter, write CAST(? AS DATE) or ")
                .append("CAST(? AS TIMESTAMP).\n")
                .append("- At most ").append(maxRows).append(" rows come back; \"truncated\": true means more ")
                .append("rows matched, so aggregate, filter or add LIMIT.\n")
                .append("- A query is cancelled after ").append(timeoutSeconds).append(" s.\n")
                .append("- Numbers are JSON numbers; dates and timestamps are ISO-8601 strings.");
        if (schemaDescription != null && !schemaDescription.isBlank()) {
            text.append("\n\nDatabase schema:\n").append(schemaDescription.strip());
        }
        return text.toString();
    }

    @Override
    public JsonNode parameters() {
        return PARAMETERS;
    }

    /** The maximum number of rows a query returns. */
    public int maxRows() {
        return maxRows;
    }

    /** Returns the statement timeout as configured. JDBC applies it in whole seconds, rounded up. */
    public Duration timeout() {
        return timeout;
    }

    // How long a cancelled query may take to stop before the connection is given back anyway.
    private static final Duration CANCEL_GRACE = Duration.ofSeconds(5);

    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws ToolException {
        String sql = arguments.path("sql").asString("");
        List<Object> params = readParams(arguments.path("params"));
        ReadOnlyStatementCheck.check(sql);
        return query(withoutTrailingSemicolon(sql), params);
    }

    private static String withoutTrailingSemicolon(String sql) {
        String stripped = sql.strip();
        return stripped.endsWith(";") ? stripped.substring(0, stripped.length() - 1) : stripped;
    }

    /**
     * Runs a query without the statement check, with every other safeguard in place. Package-private so
     * that tests can show what the read-only transaction and the rollback stop on their own.
     */
    String query(String sql, List<Object> params) throws ToolException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            boolean readOnly = connection.isReadOnly();
            // pgjdbc rejects a read-only change inside a transaction, so the flag goes first.
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            String result;
            try {
                result = run(connection, sql, params);
            } catch (SQLException | ToolException | RuntimeException e) {
                // The query's own error stays the one thrown; a failed rollback is attached to it.
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                    throw e;
                }
                restore(connection, autoCommit, readOnly);
                throw e;
            }
            // Restoring autoCommit=true would commit an open transaction, so it waits for the rollback.
            connection.rollback();
            restore(connection, autoCommit, readOnly);
            return result;
        } catch (SQLException e) {
            throw toToolException(e);
        }
    }

    private String run(Connection connection, String sql, List<Object> params) throws SQLException, ToolException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(timeoutSeconds);
            statement.setMaxRows(maxRows + 1);
            checkParameterCount(statement, params.size());
            for (int i = 0; i < params.size(); i++) {
                statement.setObject(i + 1, params.get(i));
            }
            return executeCancellably(statement);
        }
    }

    /**
     * Runs the query on a virtual thread of its own while the caller waits, because a thread blocked in
     * a JDBC driver ignores interrupts. When the caller is interrupted, as it is when its run is
     * cancelled, the statement is cancelled through the driver, so the database stops working on it.
     */
    private String executeCancellably(PreparedStatement statement) throws SQLException, ToolException {
        FutureTask<String> task = new FutureTask<>(() -> {
            try (ResultSet rows = statement.executeQuery()) {
                return toJson(rows);
            }
        });
        Thread worker = Thread.ofVirtual().name("agentforge-sql-query").start(task);
        try {
            return task.get();
        } catch (InterruptedException e) {
            cancel(statement, worker);
            Thread.currentThread().interrupt();
            throw new ToolException("The query was cancelled because its run was cancelled", false, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sqlException) {
                throw sqlException;
            }
            if (cause instanceof RuntimeException runtimeException) {
                throw runtimeException;
            }
            throw new IllegalStateException("The query failed with " + cause, cause);
        }
    }

    // Waits for the driver to give the thread back, so that the connection is idle when it returns to the pool.
    private static void cancel(PreparedStatement statement, Thread worker) {
        try {
            statement.cancel();
        } catch (SQLException e) {
            LOG.warn("Could not cancel a query whose run was cancelled; it ends at its statement timeout", e);
        }
        try {
            if (!worker.join(CANCEL_GRACE)) {
                LOG.warn("A cancelled query was still running after {} s; it ends at its statement timeout",
                        CANCEL_GRACE.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void restore(Connection connection, boolean autoCommit, boolean readOnly) {
        try {
            connection.setAutoCommit(autoCommit);
            connection.setReadOnly(readOnly);
        } catch (SQLException e) {
            // The connection is closed next anyway, and HikariCP resets both settings when it takes one back.
            LOG.warn("Could not restore autoCommit={} and readOnly={} on a connection after a query",
                    autoCommit, readOnly, e);
        }
    }

    private static void checkParameterCount(PreparedStatement statement, int given) throws ToolException {
        int expected;
        try {
            ParameterMetaData metaData = statement.getParameterMetaData();
            expected = metaData.getParameterCount();
        } catch (SQLFeatureNotSupportedException e) {
            return;
        } catch (SQLException e) {
            // Some drivers cannot describe parameters before execution, and then the execution reports a mismatch.
            LOG.debug("Could not read the parameter count of a statement", e);
            return;
        }
        if (expected != given) {
            throw new ToolException("The SQL has " + expected + " ? placeholder" + (expected == 1 ? "" : "s")
                    + " but params has " + given + " value" + (given == 1 ? "" : "s")
                    + ". Pass exactly one value in params for each ?, in order.");
        }
    }

    private static List<Object> readParams(JsonNode params) throws ToolException {
        List<Object> values = new ArrayList<>();
        if (params.isMissingNode() || params.isNull()) {
            return values;
        }
        if (!params.isArray()) {
            throw new ToolException("params must be a JSON array of values for the ? placeholders, got "
                    + params.getNodeType().name().toLowerCase(Locale.ROOT) + ".");
        }
        for (int i = 0; i < params.size(); i++) {
            values.add(toParameter(params.get(i), i));
        }
        return values;
    }

    private static Object toParameter(JsonNode value, int index) throws ToolException {
        if (value.isNull()) {
            return null;
        }
        if (value.isString()) {
            return value.asString();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? (Object) value.longValue() : new BigDecimal(value.bigIntegerValue());
        }
        if (value.isNumber()) {
            // The text form keeps 0.1 as 0.1, where new BigDecimal(double) would carry binary noise.
            return value.isBigDecimal() ? value.decimalValue() : new BigDecimal(value.asString());
        }
        throw new ToolException("params[" + index + "] is " + value.getNodeType().name().toLowerCase(Locale.ROOT)
                + ", but each param must be a string, number, boolean or null.");
    }

    private String toJson(ResultSet rows) throws SQLException {
        ResultSetMetaData metaData = rows.getMetaData();
        int columnCount = metaData.getColumnCount();
        StringWriter out = new StringWriter();
        try (JsonGenerator json = MAPPER.createGenerator(out)) {
            json.writeStartObject();
            json.writeName("columns");
            json.writeStartArray();
            for (int column = 1; column <= columnCount; column++) {
                json.writeString(metaData.getColumnLabel(column));
            }
            json.writeEndArray();
            json.writeName("rows");
            json.writeStartArray();
            int rowCount = 0;
            boolean truncated = false;
            while (rows.next()) {
                if (rowCount == maxRows) {
                    truncated = true;
                    break;
                }
                json.writeStartArray();
                for (int column = 1; column <= columnCount; column++) {
                    writeValue(json, readValue(rows, column, metaData.getColumnType(column),
                            metaData.getColumnTypeName(column)));
                }
                json.writeEndArray();
                rowCount++;
            }
            json.writeEndArray();
            json.writeNumberProperty("rowCount", rowCount);
            json.writeBooleanProperty("truncated", truncated);
            json.writeEndObject();
        }
        return out.toString();
    }

    // Date and time columns are read as java.time values, which have no time-zone conversion surprises.
    private static Object readValue(ResultSet rows, int column, int sqlType, String typeName) throws SQLException {
        Object value = switch (sqlType) {
            case Types.DATE -> rows.getObject(column, LocalDate.class);
            case Types.TIME -> rows.getObject(column, LocalTime.class);
            case Types.TIME_WITH_TIMEZONE -> rows.getObject(column, OffsetTime.class);
            case Types.TIMESTAMP_WITH_TIMEZONE -> rows.getObject(column, OffsetDateTime.class);
            // pgjdbc 42.7 reports timestamptz columns as TIMESTAMP, so the type name decides.
            case Types.TIMESTAMP -> hasTimeZone(typeName)
                    ? rows.getObject(column, OffsetDateTime.class)
                    : rows.getObject(column, LocalDateTime.class);
            default -> rows.getObject(column);
        };
        return toJsonValue(value);
    }

    private static boolean hasTimeZone(String typeName) {
        String lower = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        return lower.contains("tz") || lower.contains("time zone");
    }

    private static Object toJsonValue(Object value) throws SQLException {
        return switch (value) {
            case null -> null;
            case BigDecimal decimal -> decimal;
            case BigInteger integer -> integer;
            case Long number -> number;
            case Integer number -> number.longValue();
            case Short number -> number.longValue();
            case Byte number -> number.longValue();
            case Double number -> Double.isFinite(number) ? number : number.toString();
            case Float number -> Float.isFinite(number) ? number.doubleValue() : number.toString();
            case Boolean bool -> bool;
            case String text -> text;
            case byte[] bytes -> Base64.getEncoder().encodeToString(bytes);
            case LocalDateTime dateTime -> dateTime.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            case LocalTime time -> time.format(DateTimeFormatter.ISO_LOCAL_TIME);
            case OffsetDateTime dateTime -> dateTime.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            case OffsetTime time -> time.format(DateTimeFormatter.ISO_OFFSET_TIME);
            case java.sql.Timestamp timestamp -> timestamp.toLocalDateTime().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            case java.sql.Date date -> date.toLocalDate().toString();
            case java.sql.Time time -> time.toLocalTime().format(DateTimeFormatter.ISO_LOCAL_TIME);
            case TemporalAccessor temporal -> temporal.toString();
            case Array array -> arrayValues(array);
            case Clob clob -> clob.getSubString(1, (int) Math.min(Integer.MAX_VALUE, clob.length()));
            default -> value.toString();
        };
    }

    private static List<Object> arrayValues(Array array) throws SQLException {
        try {
            Object[] elements = (Object[]) array.getArray();
            List<Object> values = new ArrayList<>(elements.length);
            for (Object element : elements) {
                values.add(toJsonValue(element));
            }
            return values;
        } finally {
            array.free();
        }
    }

    private static void writeValue(JsonGenerator json, Object value) {
        switch (value) {
            case null -> json.writeNull();
            case BigDecimal decimal -> json.writeNumber(decimal);
            case BigInteger integer -> json.writeNumber(integer);
            case Long number -> json.writeNumber(number);
            case Double number -> json.writeNumber(number);
            case Boolean bool -> json.writeBoolean(bool);
            case List<?> list -> {
                json.writeStartArray();
                for (Object element : list) {
                    writeValue(json, element);
                }
                json.writeEndArray();
            }
            default -> json.writeString(value.toString());
        }
    }

    private ToolException toToolException(SQLException e) {
        String state = e.getSQLState();
        String message = WHITESPACE.matcher(Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()))
                .replaceAll(" ").strip();
        String withState = message + " (SQLState " + (state == null ? "unknown" : state) + ")";
        LOG.debug("Query of tool {} failed: {}", name, withState, e);
        // 57014 is query_canceled in PostgreSQL and H2. This tool cancels queries only through the timeout.
        if (e instanceof SQLTimeoutException || "57014".equals(state)) {
            return new ToolException("The query was cancelled because it ran longer than the statement timeout of "
                    + timeoutSeconds + " s: " + withState + ". Make the query cheaper: filter or aggregate more, "
                    + "or add a LIMIT.", false, e);
        }
        if (e instanceof SQLTransientConnectionException || (state != null && state.startsWith("08"))) {
            return new ToolException("The database could not be reached: " + withState
                    + ". The query did not run; try again later.", true, e);
        }
        return new ToolException("The query failed: " + withState + ". Fix the SQL and call " + name + " again.",
                false, e);
    }

    /**
     * Describes the tables of the connection's current schema, with their columns, primary keys, foreign
     * keys and comments, read from {@link java.sql.DatabaseMetaData}. Pass the result to
     * {@link Builder#schemaDescription(String)} so that the model can see which tables and columns exist.
     *
     * @throws SQLException if the database cannot be reached or its metadata cannot be read
     */
    public static String describeSchema(DataSource dataSource) throws SQLException {
        return SchemaDescriber.describe(dataSource, null);
    }

    /**
     * Describes the tables of the named schema, as {@link #describeSchema(DataSource)} does.
     *
     * @throws SQLException if the database cannot be reached or its metadata cannot be read
     */
    public static String describeSchema(DataSource dataSource, String schema) throws SQLException {
        return SchemaDescriber.describe(dataSource, Objects.requireNonNull(schema, "schema"));
    }

    @Override
    public String toString() {
        return "SqlQueryTool[" + name + ", maxRows=" + maxRows + ", timeout=" + timeout + "]";
    }

    /** Builds a {@link SqlQueryTool}. Only the data source is required. */
    public static final class Builder {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

        private final DataSource dataSource;
        private String name = DEFAULT_NAME;
        private int maxRows = DEFAULT_MAX_ROWS;
        private Duration timeout = DEFAULT_TIMEOUT;
        private String schemaDescription;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** Sets the tool name; the default is {@value SqlQueryTool#DEFAULT_NAME}. */
        public Builder name(String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Invalid tool name '" + name
                        + "': use 1 to 64 letters, digits, '_' or '-', as model providers require");
            }
            this.name = name;
            return this;
        }

        /** Sets the maximum number of rows a query returns, from 1 to 10000; the default is 100. */
        public Builder maxRows(int maxRows) {
            if (maxRows < 1 || maxRows > 10_000) {
                throw new IllegalArgumentException("maxRows must be from 1 to 10000, got " + maxRows
                        + "; the model reads every row, so keep it small");
            }
            this.maxRows = maxRows;
            return this;
        }

        /** Sets the statement timeout, at least 1 s, rounded up to whole seconds; the default is 10 s. */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("timeout must be at least 1 s, because JDBC query timeouts "
                        + "are whole seconds and 0 means none; got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets the description of the tables that the model reads in the tool description, for example
         * the output of {@link SqlQueryTool#describeSchema(DataSource)} or hand-written text.
         */
        public Builder schemaDescription(String schemaDescription) {
            this.schemaDescription = schemaDescription;
            return this;
        }

        public SqlQueryTool build() {
            return new SqlQueryTool(this);
        }
    }
}
