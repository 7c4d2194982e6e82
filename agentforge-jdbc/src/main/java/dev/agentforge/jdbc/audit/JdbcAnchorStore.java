package dev.agentforge.jdbc.audit;

import dev.agentforge.monitor.audit.AnchorStore;
import dev.agentforge.monitor.audit.AuditAnchor;
import dev.agentforge.monitor.audit.AuditStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Keeps the anchor of an audit log in a one-row table. To protect against someone who can edit the
 * audit table, give it a data source of another database, or of a user that the audit table's
 * writers cannot write as. In the same database it still reveals a truncated tail, but not a chain
 * rewritten by someone with write access to both tables.
 */
public final class JdbcAnchorStore implements AnchorStore {

    /** The table name when none is given. */
    public static final String DEFAULT_TABLE = "agentforge_audit_anchor";

    private final DataSource dataSource;
    private final String table;

    private JdbcAnchorStore(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.table = table;
    }

    /** Opens an anchor store in the table {@value #DEFAULT_TABLE}, creating it if missing. */
    public static JdbcAnchorStore create(DataSource dataSource) {
        return create(dataSource, DEFAULT_TABLE);
    }

    /**
     * Opens an anchor store in this table, creating it if missing.
     *
     * @throws IllegalArgumentException if the name is not a plain SQL identifier
     * @throws AuditStoreException if the table cannot be created
     */
    public static JdbcAnchorStore create(DataSource dataSource, String table) {
        JdbcAuditStore.requireIdentifier(table);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table + " (id INTEGER PRIMARY KEY, "
                    + "sequence BIGINT NOT NULL, hash VARCHAR(64) NOT NULL)");
        } catch (SQLException e) {
            throw new AuditStoreException("Creating the audit anchor table " + table + " failed: " + e.getMessage(), e);
        }
        return new JdbcAnchorStore(dataSource, table);
    }

    @Override
    public void advance(AuditAnchor anchor) {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE " + table + " SET sequence = ?, hash = ? WHERE id = 1 AND sequence < ?")) {
                update.setLong(1, anchor.sequence());
                update.setString(2, anchor.hash());
                update.setLong(3, anchor.sequence());
                if (update.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO " + table + " (id, sequence, hash) VALUES (1, ?, ?)")) {
                insert.setLong(1, anchor.sequence());
                insert.setString(2, anchor.hash());
                insert.executeUpdate();
            } catch (SQLException e) {
                // The row exists with the same or a newer anchor, so there is nothing to do.
                if (!"23505".equals(e.getSQLState())) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new AuditStoreException("Writing the audit anchor to " + table + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<AuditAnchor> read() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT sequence, hash FROM " + table + " WHERE id = 1");
                ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.of(new AuditAnchor(rows.getLong(1), rows.getString(2))) : Optional.empty();
        } catch (SQLException e) {
            throw new AuditStoreException("Reading the audit anchor from " + table + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "JdbcAnchorStore[" + table + "]";
    }
}
