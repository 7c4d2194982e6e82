package dev.agentforge.jdbc.audit;

import dev.agentforge.monitor.audit.AuditOutcome;
import dev.agentforge.monitor.audit.AuditQuery;
import dev.agentforge.monitor.audit.AuditRecord;
import dev.agentforge.monitor.audit.AuditStore;
import dev.agentforge.monitor.audit.AuditStoreException;
import dev.agentforge.monitor.audit.CorruptRecordException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps audit records in a table of PostgreSQL or H2, one row per record, with the attributes as a
 * JSON text column. {@link #create} creates the table and its indexes where they are missing.
 *
 * <p>The sequence number is the primary key. An append reads the newest row and inserts the next
 * one in one transaction. When another writer inserted that sequence number first, the primary key
 * rejects the row and the append retries with the new newest row, so several processes may write
 * one chain. Each row is read back exactly as written, because the time is kept to the microsecond,
 * which {@code AuditLog} truncates it to.
 */
public final class JdbcAuditStore implements AuditStore {

    /** The table name when none is given. */
    public static final String DEFAULT_TABLE = "agentforge_audit";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcAuditStore.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_APPEND_ATTEMPTS = 10;
    private static final String COLUMNS = "sequence, recorded_at, actor, action, resource, outcome, detail, run_id,"
            + " client_address, user_agent, attributes, previous_hash, hash";

    private final DataSource dataSource;
    private final String table;

    private JdbcAuditStore(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.table = table;
    }

    /**
     * Opens a store in the table {@value #DEFAULT_TABLE}, creating it if missing.
     *
     * @throws AuditStoreException if the table cannot be created
     */
    public static JdbcAuditStore create(DataSource dataSource) {
        return create(dataSource, DEFAULT_TABLE);
    }

    /**
     * Opens a store in this table, creating it and its indexes if missing.
     *
     * @param table a table name, optionally with its schema, such as {@code audit.records}
     * @throws IllegalArgumentException if the name is not a plain SQL identifier
     * @throws AuditStoreException if the table cannot be created
     */
    public static JdbcAuditStore create(DataSource dataSource, String table) {
        Objects.requireNonNull(dataSource, "dataSource");
        requireIdentifier(table);
        JdbcAuditStore store = new JdbcAuditStore(dataSource, table);
        store.createSchema();
        return store;
    }

    static void requireIdentifier(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid table name '" + name + "': use letters, digits and"
                    + " underscores, starting with a letter or underscore, optionally as schema.table");
        }
    }

    private void createSchema() {
        String index = table.replace('.', '_');
        String[] statements = {
            "CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "sequence BIGINT PRIMARY KEY, "
                    + "recorded_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                    + "actor VARCHAR NOT NULL, "
                    + "action VARCHAR NOT NULL, "
                    + "resource VARCHAR, "
                    + "outcome VARCHAR(16) NOT NULL, "
                    + "detail VARCHAR, "
                    + "run_id VARCHAR, "
                    + "client_address VARCHAR, "
                    + "user_agent VARCHAR, "
                    + "attributes VARCHAR NOT NULL, "
                    + "previous_hash VARCHAR(64) NOT NULL, "
                    + "hash VARCHAR(64) NOT NULL)",
            "CREATE INDEX IF NOT EXISTS " + unqualified(index) + "_actor ON " + table + " (actor, recorded_at)",
            "CREATE INDEX IF NOT EXISTS " + unqualified(index) + "_action ON " + table + " (action, recorded_at)",
            "CREATE INDEX IF NOT EXISTS " + unqualified(index) + "_time ON " + table + " (recorded_at)",
            "CREATE INDEX IF NOT EXISTS " + unqualified(index) + "_run ON " + table + " (run_id)"
        };
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new AuditStoreException("Creating the audit table " + table + " failed: " + e.getMessage(), e);
        }
    }

    private static String unqualified(String name) {
        return name.length() > 50 ? name.substring(0, 50) : name;
    }

    @Override
    public AuditRecord append(UnaryOperator<AuditRecord> next) {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);
                try {
                    AuditRecord record = Objects.requireNonNull(next.apply(newest(connection)), "next returned null");
                    insert(connection, record);
                    connection.commit();
                    return record;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
            } catch (SQLException e) {
                if (isUniqueViolation(e) && attempt < MAX_APPEND_ATTEMPTS) {
                    LOG.debug("Another writer appended to {} first; retrying (attempt {})", table, attempt);
                    continue;
                }
                throw new AuditStoreException("Appending to the audit table " + table + " failed: " + e.getMessage(), e);
            }
        }
    }

    // PostgreSQL and H2 both report a duplicate key with SQLSTATE 23505.
    private static boolean isUniqueViolation(SQLException e) {
        for (SQLException current = e; current != null; current = current.getNextException()) {
            if ("23505".equals(current.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<AuditRecord> last() {
        try (Connection connection = dataSource.getConnection()) {
            return Optional.ofNullable(newest(connection));
        } catch (SQLException e) {
            throw new AuditStoreException("Reading the audit table " + table + " failed: " + e.getMessage(), e);
        }
    }

    private AuditRecord newest(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM " + table + " ORDER BY sequence DESC LIMIT 1");
                ResultSet rows = statement.executeQuery()) {
            return rows.next() ? read(rows, 0) : null;
        }
    }

    private void insert(Connection connection, AuditRecord record) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table + " (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            statement.setLong(1, record.sequence());
            statement.setObject(2, OffsetDateTime.ofInstant(record.time(), ZoneOffset.UTC));
            statement.setString(3, record.actor());
            statement.setString(4, record.action());
            statement.setString(5, record.resource());
            statement.setString(6, record.outcome().value());
            statement.setString(7, record.detail());
            statement.setString(8, record.runId());
            statement.setString(9, record.clientAddress());
            statement.setString(10, record.userAgent());
            statement.setString(11, JSON.writeValueAsString(record.attributes()));
            statement.setString(12, record.previousHash());
            statement.setString(13, record.hash());
            statement.executeUpdate();
        }
    }

    private AuditRecord read(ResultSet rows, long previousSequence) throws SQLException {
        long sequence = rows.getLong("sequence");
        try {
            Map<String, String> attributes = JSON.readValue(rows.getString("attributes"),
                    new TypeReference<TreeMap<String, String>>() { });
            return new AuditRecord(sequence, rows.getObject("recorded_at", OffsetDateTime.class).toInstant(),
                    rows.getString("actor"), rows.getString("action"), rows.getString("resource"),
                    AuditOutcome.parse(rows.getString("outcome")), rows.getString("detail"), rows.getString("run_id"),
                    rows.getString("client_address"), rows.getString("user_agent"), attributes,
                    rows.getString("previous_hash"), rows.getString("hash"));
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            throw new CorruptRecordException("Row " + sequence + " of " + table + " is not a valid audit record: "
                    + e.getMessage(), previousSequence, e);
        }
    }

    @Override
    public List<AuditRecord> query(AuditQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM " + table + " WHERE sequence > ?");
        List<Object> parameters = new ArrayList<>();
        parameters.add(query.afterSequence());
        if (query.actor() != null) {
            sql.append(" AND actor = ?");
            parameters.add(query.actor());
        }
        if (query.action() != null) {
            if (query.actionIsPrefix()) {
                sql.append(" AND action LIKE ? ESCAPE '!'");
                parameters.add(query.actionPrefix().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
            } else {
                sql.append(" AND action = ?");
                parameters.add(query.action());
            }
        }
        if (query.from() != null) {
            sql.append(" AND recorded_at >= ?");
            parameters.add(OffsetDateTime.ofInstant(query.from(), ZoneOffset.UTC));
        }
        if (query.to() != null) {
            sql.append(" AND recorded_at < ?");
            parameters.add(OffsetDateTime.ofInstant(query.to(), ZoneOffset.UTC));
        }
        if (query.runId() != null) {
            sql.append(" AND run_id = ?");
            parameters.add(query.runId());
        }
        sql.append(" ORDER BY sequence LIMIT ?");
        parameters.add(query.limit());
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            List<AuditRecord> records = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                long previous = 0;
                while (rows.next()) {
                    AuditRecord record = read(rows, previous);
                    records.add(record);
                    previous = record.sequence();
                }
            }
            return records;
        } catch (SQLException e) {
            throw new AuditStoreException("Querying the audit table " + table + " failed: " + e.getMessage(), e);
        }
    }

    // Reads in pages by sequence number, so neither database keeps a cursor open across the visit.
    @Override
    public void scan(Predicate<AuditRecord> visitor) {
        long after = Long.MIN_VALUE;
        long previous = 0;
        int page = 1_000;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + table
                        + " WHERE sequence > ? ORDER BY sequence LIMIT " + page)) {
            while (true) {
                statement.setLong(1, after);
                int count = 0;
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        count++;
                        AuditRecord record = read(rows, previous);
                        previous = record.sequence();
                        after = record.sequence();
                        if (!visitor.test(record)) {
                            return;
                        }
                    }
                }
                if (count < page) {
                    return;
                }
            }
        } catch (SQLException e) {
            throw new AuditStoreException("Reading the audit table " + table + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public long deleteThrough(long sequence) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "DELETE FROM " + table + " WHERE sequence <= ?")) {
            statement.setLong(1, sequence);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new AuditStoreException("Purging the audit table " + table + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "table " + table;
    }

    /** Does nothing: the data source belongs to the caller, who closes it. */
    @Override
    public void close() {
    }
}
