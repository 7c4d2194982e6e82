package dev.agentforge.jdbc;

import dev.agentforge.tool.ToolException;
import java.util.Locale;
import java.util.Set;

/**
 * A check that a SQL text is exactly one read-only query: a {@code SELECT}, or {@code WITH ... SELECT}
 * without a data-changing common table expression. The check tokenizes the text, skipping string
 * literals (including PostgreSQL {@code E'...'} and dollar-quoted strings), quoted identifiers and
 * comments, and rejects a {@code ;} anywhere but at the end and every keyword or function that writes
 * or reaches outside the database.
 *
 * <p>NOTE: this is a guard against mistakes, not a sandbox. {@link SqlQueryTool} also runs each query
 * in a read-only transaction that it rolls back, but H2 ignores the read-only flag, and a tokenizer
 * cannot know every dialect's side-effecting functions. Untrusted input needs a database user that
 * may only read. The tokenizer reads plain strings the SQL-standard way, so a PostgreSQL server with
 * {@code standard_conforming_strings} off could read them differently.
 */
final class ReadOnlyStatementCheck {

    private static final String ALLOWED = "Only one read-only query is allowed: a SELECT, or WITH ... SELECT"
            + " whose parts are all SELECTs.";

    // Keywords that change data, schema, session state or transactions, or write files.
    private static final Set<String> FORBIDDEN_KEYWORDS = Set.of(
            "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "TRUNCATE", "DROP", "ALTER", "CREATE",
            "GRANT", "REVOKE", "COPY", "CALL", "EXEC", "EXECUTE", "DO", "SET", "RESET", "LOCK", "UNLOCK", "INTO",
            "COMMENT", "REFRESH", "VACUUM", "ANALYZE", "CLUSTER", "REINDEX", "CHECKPOINT", "SHUTDOWN", "SCRIPT",
            "RUNSCRIPT", "BACKUP", "LISTEN", "NOTIFY", "UNLISTEN", "PREPARE", "DEALLOCATE", "DECLARE", "DISCARD",
            "IMPORT", "LOAD", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "BEGIN", "START", "SECURITY");

    // Functions that write, read server files, open connections or end other sessions.
    private static final Set<String> FORBIDDEN_FUNCTIONS = Set.of(
            "FILE_WRITE", "FILE_READ", "CSVWRITE", "CSVREAD", "LINK_SCHEMA", "NEXTVAL", "SETVAL", "SET_CONFIG",
            "PG_READ_FILE", "PG_READ_BINARY_FILE", "PG_LS_DIR", "PG_STAT_FILE", "LO_IMPORT", "LO_EXPORT", "LO_UNLINK",
            "DBLINK", "DBLINK_EXEC", "PG_TERMINATE_BACKEND", "PG_CANCEL_BACKEND", "PG_RELOAD_CONF",
            "PG_ROTATE_LOGFILE", "PG_ADVISORY_LOCK", "PG_ADVISORY_XACT_LOCK", "PG_NOTIFY", "QUERY_TO_XML");

    private ReadOnlyStatementCheck() {
    }

    /**
     * Rejects anything but one read-only query.
     *
     * @throws ToolException naming what was found and where, and what is allowed
     */
    static void check(String sql) throws ToolException {
        if (sql == null || sql.isBlank()) {
            throw new ToolException("The sql argument is empty. " + ALLOWED);
        }
        int separator = statementSeparator(sql);
        if (separator >= 0) {
            throw new ToolException("The SQL contains ';' at position " + (separator + 1) + ". " + ALLOWED
                    + " Send one statement per call with no ';' inside it, and pass values that contain ';' in params.");
        }
        Tokenizer tokens = new Tokenizer(sql);
        String first = null;
        for (Token token = tokens.next(); token != null; token = tokens.next()) {
            if (!token.word()) {
                continue;
            }
            String word = token.text().toUpperCase(Locale.ROOT);
            if (first == null) {
                first = word;
                if (!first.equals("SELECT") && !first.equals("WITH")) {
                    throw new ToolException("The SQL starts with " + token.text() + " at position " + token.position()
                            + ", which is not allowed. " + ALLOWED);
                }
            }
            if (FORBIDDEN_KEYWORDS.contains(word)) {
                throw new ToolException("The SQL contains " + token.text() + " at position " + token.position()
                        + ", which is not allowed in a read-only query. " + ALLOWED);
            }
            if (FORBIDDEN_FUNCTIONS.contains(word)) {
                throw new ToolException("The SQL calls " + token.text() + " at position " + token.position()
                        + ", which is not allowed because it has side effects. " + ALLOWED);
            }
        }
        if (first == null) {
            throw new ToolException("The SQL contains no statement, only comments or punctuation. " + ALLOWED);
        }
    }

    /**
     * Returns the index of the first ';' other than one at the very end, or -1. Any ';' counts, even
     * inside a literal or comment, so that no difference between this tokenizer and the database's
     * parser can hide a second statement.
     */
    private static int statementSeparator(String sql) {
        int end = sql.stripTrailing().length();
        if (end > 0 && sql.charAt(end - 1) == ';') {
            end--;
        }
        int index = sql.indexOf(';');
        return index >= 0 && index < end ? index : -1;
    }

    /**
     * One token outside literals and comments: a word (keyword or unquoted identifier) or a punctuation
     * character. Positions are 1-based.
     */
    private record Token(String text, int position, boolean word) {
    }

    private static final class Tokenizer {
        private final String sql;
        private int pos;

        Tokenizer(String sql) {
            this.sql = sql;
        }

        Token next() throws ToolException {
            while (pos < sql.length()) {
                char c = sql.charAt(pos);
                if (Character.isWhitespace(c)) {
                    pos++;
                } else if (c == '-' && peek(1) == '-') {
                    skipLineComment();
                } else if (c == '/' && peek(1) == '*') {
                    skipBlockComment();
                } else if (c == '\'') {
                    skipQuoted('\'', isEscapeStringPrefix());
                } else if (c == '"' || c == '`') {
                    skipQuoted(c, false);
                } else if (c == '$' && dollarTagLength() > 0) {
                    skipDollarQuoted();
                } else if (Character.isLetter(c) || c == '_') {
                    int start = pos;
                    while (pos < sql.length() && isWordPart(sql.charAt(pos))) {
                        pos++;
                    }
                    return new Token(sql.substring(start, pos), start + 1, true);
                } else {
                    pos++;
                    return new Token(String.valueOf(c), pos, false);
                }
            }
            return null;
        }

        private char peek(int offset) {
            int index = pos + offset;
            return index < sql.length() ? sql.charAt(index) : '\0';
        }

        private static boolean isWordPart(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$';
        }

        // In PostgreSQL's E'...' strings a backslash escapes the next character.
        private boolean isEscapeStringPrefix() {
            if (pos == 0 || Character.toUpperCase(sql.charAt(pos - 1)) != 'E') {
                return false;
            }
            return pos < 2 || !isWordPart(sql.charAt(pos - 2));
        }

        private void skipLineComment() {
            while (pos < sql.length() && sql.charAt(pos) != '\n' && sql.charAt(pos) != '\r') {
                pos++;
            }
        }

        // PostgreSQL nests block comments and H2 does not, so with a nested opener the two databases
        // would disagree about where the comment ends. Such comments are rejected.
        private void skipBlockComment() throws ToolException {
            int start = pos;
            pos += 2;
            while (pos < sql.length()) {
                if (sql.startsWith("*/", pos)) {
                    pos += 2;
                    return;
                }
                if (sql.startsWith("/*", pos)) {
                    throw new ToolException("The comment that starts at position " + (start + 1)
                            + " contains another '/*' at position " + (pos + 1)
                            + ". Nested comments are not allowed; remove the comments.");
                }
                pos++;
            }
            throw new ToolException("The comment that starts at position " + (start + 1)
                    + " is never closed with '*/'. Close or remove it.");
        }

        private void skipQuoted(char quote, boolean backslashEscapes) throws ToolException {
            int start = pos;
            pos++;
            while (pos < sql.length()) {
                char c = sql.charAt(pos);
                if (backslashEscapes && c == '\\' && peek(1) == quote) {
                    throw new ToolException("The string that starts at position " + (start + 1)
                            + " contains \\' at position " + (pos + 1) + ", which databases read differently."
                            + " Write a quote inside a string as '' or pass the value in params.");
                } else if (backslashEscapes && c == '\\') {
                    pos += 2;
                } else if (c == quote && peek(1) == quote) {
                    pos += 2;
                } else if (c == quote) {
                    pos++;
                    return;
                } else {
                    pos++;
                }
            }
            throw new ToolException("The " + (quote == '\'' ? "string" : "quoted identifier") + " that starts at position "
                    + (start + 1) + " is never closed with " + quote + ". Close it; double a " + quote
                    + " to put one inside.");
        }

        // A dollar quote opens with $$ or $tag$, where tag is an identifier. $1 is a parameter, not a quote.
        private int dollarTagLength() {
            if (pos > 0 && isWordPart(sql.charAt(pos - 1))) {
                return 0;
            }
            int end = pos + 1;
            if (end < sql.length() && Character.isDigit(sql.charAt(end))) {
                return 0;
            }
            while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
                end++;
            }
            return end < sql.length() && sql.charAt(end) == '$' ? end - pos + 1 : 0;
        }

        private void skipDollarQuoted() throws ToolException {
            int start = pos;
            String tag = sql.substring(pos, pos + dollarTagLength());
            int close = sql.indexOf(tag, pos + tag.length());
            if (close < 0) {
                throw new ToolException("The dollar-quoted string that starts with " + tag + " at position " + (start + 1)
                        + " is never closed. Close it with " + tag + ".");
            }
            pos = close + tag.length();
        }
    }
}
