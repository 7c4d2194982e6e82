package dev.agentforge.jdbc;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.tool.ToolException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReadOnlyStatementCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1",
            "select * from items",
            "  SELECT 1 ;  ",
            "(SELECT 1) UNION (SELECT 2)",
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5) SELECT * FROM n",
            "SELECT 'delete me' AS note",
            "SELECT \"update\" FROM t",
            "SELECT 1 -- DROP TABLE t\n",
            "SELECT /* insert */ 1",
            "SELECT $$ drop $$",
            "SELECT $body$ update $body$",
            "SELECT E'it''s' AS quote",
            "SELECT created_at, updated_at, deleted FROM t",
            "SELECT * FROM t WHERE a = $1",
            "SELECT REPLACE(name, 'a', 'b') FROM t"})
    void acceptsReadOnlyQuery(String sql) {
        assertThatCode(() -> ReadOnlyStatementCheck.check(sql)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            INSERT INTO t VALUES (1)                              | The SQL starts with INSERT at position 1
            update t set a = 1                                    | The SQL starts with update at position 1
            DELETE FROM t                                         | The SQL starts with DELETE at position 1
            DROP TABLE t                                          | The SQL starts with DROP at position 1
            SELECT 1; DROP TABLE t                                | contains ';' at position 9
            SELECT 1;;                                            | contains ';' at position 9
            SELECT 'a;b'                                          | contains ';' at position 10
            WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d | contains DELETE at position 12
            WITH u AS (SELECT 1) UPDATE t SET a = 1               | contains UPDATE at position 22
            SELECT * INTO t2 FROM t                               | contains INTO at position 10
            SELECT * FROM t FOR UPDATE                            | contains UPDATE at position 21
            SELECT nextval('s')                                   | calls nextval at position 8
            SELECT FILE_WRITE('x', '/tmp/x')                      | calls FILE_WRITE at position 8
            SELECT pg_read_file('/etc/passwd')                    | calls pg_read_file at position 8
            EXPLAIN SELECT 1                                      | The SQL starts with EXPLAIN
            VALUES (1)                                            | The SQL starts with VALUES
            SELECT 'unclosed                                      | never closed
            SELECT /* a /* b */ 1 */                              | Nested comments are not allowed
            SELECT /* open                                        | never closed with '*/'
            SELECT $x$ open                                       | never closed
            -- only a comment                                     | contains no statement
            """)
    void rejectsAnythingElse(String sql, String message) {
        assertThatThrownBy(() -> ReadOnlyStatementCheck.check(sql))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT E'\\'' AS quote", "SELECT e'a\\'' || 1"})
    void rejectsBackslashQuoteInEscapeString(String sql) {
        assertThatThrownBy(() -> ReadOnlyStatementCheck.check(sql))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("which databases read differently");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void rejectsEmptySql(String sql) {
        assertThatThrownBy(() -> ReadOnlyStatementCheck.check(sql))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("The sql argument is empty");
    }
}
