package dev.agentforge.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentforge.tool.ToolException;
import dev.agentforge.tool.ToolRegistry;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SqlQueryToolH2Test extends SqlQueryToolContract {

    private static HikariDataSource dataSource;

    @BeforeAll
    static void openDatabase() throws Exception {
        String url = "jdbc:h2:mem:sqltool_" + UUID.randomUUID().toString().replace("-", "");
        dataSource = DataSources.create(url, "sa", "", "h2-test", 2);
        createTables(dataSource);
    }

    @AfterAll
    static void closeDatabase() {
        dataSource.close();
    }

    @Override
    DataSource dataSource() {
        return dataSource;
    }

    // The join has about 10^10 rows, and H2 checks for cancellation while it scans them.
    @Override
    String slowQuery() {
        return "SELECT COUNT(*) FROM SYSTEM_RANGE(1, 100000) a CROSS JOIN SYSTEM_RANGE(1, 100000) b"
                + " WHERE MOD(a.X * b.X, 7919) = 3";
    }

    @Override
    String unknownColumnState() {
        return "42S22";
    }

    @Override
    String unknownColumnMessage() {
        return "Column \"NOPE\" not found";
    }

    @Test
    void rollbackUndoesDeltaTableDelete() throws Exception {
        // H2 can delete inside a SELECT through a data change delta table, and the check rejects it.
        String sql = "SELECT COUNT(*) FROM OLD TABLE (DELETE FROM items WHERE id <= 10)";
        assertThatThrownBy(() -> run(tool(), sql))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("DELETE at position");

        // Without the check, the delete runs, and the rollback undoes it.
        String result = tool().query(sql, List.of());

        assertThat(MAPPER.readTree(result).path("rows").get(0).get(0).asInt()).isEqualTo(10);
        assertThat(countItems()).isEqualTo(ITEM_COUNT);
    }

    @Test
    void registryAcceptsSchemaAndParams() throws Exception {
        ToolRegistry registry = ToolRegistry.of(tool());

        assertThat(registry.specifications()).singleElement()
                .satisfies(specification -> assertThat(specification.name()).isEqualTo("sql_query"));
        assertThat(registry.validate("sql_query", "{\"sql\": \"SELECT 1\", \"params\": [1, \"a\", true, null, 2.5]}")
                .arguments().path("params")).hasSize(5);
        assertThatThrownBy(() -> registry.validate("sql_query", "{\"sql\": \"SELECT 1\", \"params\": [{\"a\": 1}]}"))
                .isInstanceOf(ToolException.class);
        assertThatThrownBy(() -> registry.validate("sql_query", "{\"params\": []}"))
                .isInstanceOf(ToolException.class);
    }

    @Test
    void nameIsConfigurable() {
        SqlQueryTool tool = SqlQueryTool.builder(dataSource).name("shop_db").build();

        assertThat(tool.name()).isEqualTo("shop_db");
        assertThatThrownBy(() -> SqlQueryTool.builder(dataSource).name("bad name"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builderRejectsInvalidLimits() {
        assertThatThrownBy(() -> SqlQueryTool.builder(dataSource).maxRows(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRows must be from 1 to 10000, got 0");
        assertThatThrownBy(() -> SqlQueryTool.builder(dataSource).timeout(java.time.Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 s");
    }
}
