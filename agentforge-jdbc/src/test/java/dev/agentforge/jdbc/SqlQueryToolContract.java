package dev.agentforge.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tests that every database must pass with {@link SqlQueryTool}. A subclass supplies the data source,
 * with tables made by {@link #createTables(DataSource)}, and the few expectations that differ by
 * database.
 */
abstract class SqlQueryToolContract {

    static final int ITEM_COUNT = 150;
    static final JsonMapper MAPPER = JsonMapper.builder().build();
    static final ToolContext CONTEXT = new ToolContext("run_1", "call_1", "anonymous");

    /** The data source holding the tables of {@link #createTables(DataSource)}. */
    abstract DataSource dataSource();

    /** A query that runs far longer than 1 s. */
    abstract String slowQuery();

    /** The SQLState the database reports for an unknown column. */
    abstract String unknownColumnState();

    /** Part of the database's own message for the unknown column {@code nope}. */
    abstract String unknownColumnMessage();

    /** Creates two tables: customers (2 rows) and items ({@value #ITEM_COUNT} rows). */
    static void createTables(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)");
            statement.execute("COMMENT ON TABLE customers IS 'People who buy items'");
            statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL,"
                    + " price DECIMAL(10,2) NOT NULL, added DATE, updated_at TIMESTAMP, active BOOLEAN,"
                    + " note VARCHAR(100), customer_id INTEGER REFERENCES customers(id))");
            statement.execute("COMMENT ON COLUMN items.price IS 'Price in euros'");
            statement.execute("INSERT INTO customers (id, name) VALUES (1, 'Alice'), (2, 'Bob')");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items"
                    + " (id, name, price, added, updated_at, active, note, customer_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 1; i <= ITEM_COUNT; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, String.format("item-%03d", i));
                    insert.setBigDecimal(3, new BigDecimal("1.25").multiply(BigDecimal.valueOf(i)).setScale(2));
                    insert.setObject(4, LocalDate.of(2025, 1, 1).plusDays(i));
                    insert.setTimestamp(5, Timestamp.valueOf(LocalDateTime.of(2025, 1, 1, 10, 30).plusHours(i)));
                    insert.setBoolean(6, i % 2 == 0);
                    insert.setString(7, i % 3 == 0 ? null : "note " + i);
                    insert.setInt(8, i % 2 + 1);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }

    SqlQueryTool tool() {
        return SqlQueryTool.builder(dataSource()).build();
    }

    JsonNode run(SqlQueryTool tool, String sql, Object... params) throws ToolException {
        var arguments = MAPPER.createObjectNode();
        arguments.put("sql", sql);
        var array = arguments.putArray("params");
        for (Object param : params) {
            array.addPOJO(param);
        }
        String result = (String) tool.execute(MAPPER.readTree(MAPPER.writeValueAsString(arguments)), CONTEXT);
        return MAPPER.readTree(result);
    }

    long countItems() throws SQLException {
        try (Connection connection = dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM items")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Test
    void selectsWithParams() throws Exception {
        JsonNode result = run(tool(), "SELECT id, name, price FROM items WHERE price > ? AND name LIKE ? ORDER BY id",
                185.5, "item-14%");

        assertThat(result.path("columns")).hasSize(3);
        assertThat(result.path("columns").get(1).asString()).isEqualToIgnoringCase("name");
        assertThat(result.path("rowCount").asInt()).isEqualTo(1);
        assertThat(result.path("truncated").asBoolean()).isFalse();
        JsonNode row = result.path("rows").get(0);
        assertThat(row.get(0).asInt()).isEqualTo(149);
        assertThat(row.get(1).asString()).isEqualTo("item-149");
        assertThat(row.get(2).decimalValue()).isEqualByComparingTo("186.25");
    }

    @Test
    void paramsAreNotSqlText() throws Exception {
        JsonNode result = run(tool(), "SELECT COUNT(*) FROM items WHERE name = ?", "x' OR '1'='1");

        assertThat(result.path("rows").get(0).get(0).asInt()).isZero();
    }

    @Test
    void writesValueTypesAsJson() throws Exception {
        String json = (String) tool().execute(MAPPER.readTree("""
                {"sql": "SELECT id, price, added, updated_at, active, note FROM items WHERE id IN (?, ?) ORDER BY id",
                 "params": [2, 3]}
                """), CONTEXT);

        assertThat(json).contains("[2,2.50,\"2025-01-03\",\"2025-01-01T12:30:00\",true,\"note 2\"]");
        assertThat(json).contains("[3,3.75,\"2025-01-04\",\"2025-01-01T13:30:00\",false,null]");
        assertThat(json).endsWith("\"rowCount\":2,\"truncated\":false}");
    }

    @Test
    void truncatesAtDefaultLimit() throws Exception {
        JsonNode result = run(tool(), "SELECT id FROM items ORDER BY id");

        assertThat(result.path("rowCount").asInt()).isEqualTo(SqlQueryTool.DEFAULT_MAX_ROWS);
        assertThat(result.path("rows")).hasSize(SqlQueryTool.DEFAULT_MAX_ROWS);
        assertThat(result.path("truncated").asBoolean()).isTrue();
        assertThat(result.path("rows").get(99).get(0).asInt()).isEqualTo(100);
    }

    @Test
    void truncatesAtConfiguredLimit() throws Exception {
        SqlQueryTool tool = SqlQueryTool.builder(dataSource()).maxRows(5).build();

        JsonNode cut = run(tool, "SELECT id FROM items ORDER BY id");
        JsonNode exact = run(tool, "SELECT id FROM items WHERE id <= ? ORDER BY id", 5);

        assertThat(cut.path("rowCount").asInt()).isEqualTo(5);
        assertThat(cut.path("truncated").asBoolean()).isTrue();
        assertThat(exact.path("rowCount").asInt()).isEqualTo(5);
        assertThat(exact.path("truncated").asBoolean()).isFalse();
    }

    @Test
    void acceptsWithSelectAndTrailingSemicolon() throws Exception {
        JsonNode result = run(tool(),
                "WITH cheap AS (SELECT id FROM items WHERE price < ?) SELECT COUNT(*) AS n FROM cheap;", 10);

        assertThat(result.path("rows").get(0).get(0).asInt()).isEqualTo(7);
    }

    @Test
    @Timeout(60)
    void timeoutCancelsSlowQuery() {
        SqlQueryTool tool = SqlQueryTool.builder(dataSource()).timeout(Duration.ofSeconds(1)).build();

        assertThatThrownBy(() -> run(tool, slowQuery()))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("statement timeout of 1 s")
                .hasMessageContaining("SQLState 57014");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INSERT INTO items (id, name, price) VALUES (999, 'x', 1)",
            "UPDATE items SET price = 0",
            "DELETE FROM items",
            "DROP TABLE items",
            "SELECT 1; DROP TABLE items",
            "SELECT * FROM items; DELETE FROM items",
            "WITH d AS (DELETE FROM items RETURNING *) SELECT * FROM d",
            "TRUNCATE TABLE items",
            "SELECT * INTO items_copy FROM items"})
    void rejectsWritingStatements(String sql) throws Exception {
        long before = countItems();

        assertThatThrownBy(() -> run(tool(), sql))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("Only one read-only query is allowed");
        assertThat(countItems()).isEqualTo(before).isEqualTo(ITEM_COUNT);
    }

    @Test
    void invalidSqlCarriesDatabaseMessage() {
        assertThatThrownBy(() -> run(tool(), "SELECT nope FROM items"))
                .isInstanceOf(ToolException.class)
                .hasMessageStartingWith("The query failed: ")
                .hasMessageContaining(unknownColumnMessage())
                .hasMessageContaining("SQLState " + unknownColumnState())
                .hasMessageContaining("call sql_query again");
    }

    @Test
    void rejectsWrongParamCount() {
        assertThatThrownBy(() -> run(tool(), "SELECT id FROM items WHERE id = ? AND price > ?", 1))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("2 ? placeholders but params has 1 value");
    }

    @Test
    void leavesPooledConnectionWritable() throws Exception {
        run(tool(), "SELECT COUNT(*) FROM items");

        try (Connection connection = dataSource().getConnection()) {
            assertThat(connection.isReadOnly()).isFalse();
            assertThat(connection.getAutoCommit()).isTrue();
        }
    }

    @Test
    void describesSchema() throws Exception {
        String description = SqlQueryTool.describeSchema(dataSource());

        assertThat(description).containsIgnoringCase("Table customers -- People who buy items");
        assertThat(description).containsIgnoringCase("Table items");
        assertThat(description).containsPattern("(?i)\n  id (integer|int4) NOT NULL, primary key\n");
        assertThat(description).containsPattern("(?i)\n  name (character varying|varchar)\\(50\\) NOT NULL\n");
        assertThat(description).containsPattern("\n  price (DECIMAL|numeric)\\(10, 2\\) NOT NULL -- Price in euros\n");
        assertThat(description).containsPattern("(?i)\n  customer_id (integer|int4), references customers\\.id");
        assertThat(description).doesNotContainIgnoringCase("information_schema");
    }

    @Test
    void descriptionCarriesRulesAndSchema() throws Exception {
        SqlQueryTool tool = SqlQueryTool.builder(dataSource())
                .maxRows(20)
                .timeout(Duration.ofMillis(2500))
                .schemaDescription(SqlQueryTool.describeSchema(dataSource()))
                .build();

        assertThat(tool.description()).contains("Write ? for every value");
        assertThat(tool.description()).contains("At most 20 rows");
        assertThat(tool.description()).contains("cancelled after 3 s");
        assertThat(tool.description()).containsIgnoringCase("Table items");
    }
}
