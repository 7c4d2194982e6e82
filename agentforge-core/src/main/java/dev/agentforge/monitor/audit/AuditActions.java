package dev.agentforge.monitor.audit;

/**
 * The action names of audit records. An action is a dotted lower-case name; administrative actions
 * start with {@value #ADMIN_PREFIX}. docs/audit.md describes what each record carries.
 */
public final class AuditActions {

    /** A run was started, over HTTP or through the Java API. */
    public static final String RUN_START = "run.start";

    /** A run was cancelled, or a cancel request failed because the run had already finished. */
    public static final String RUN_CANCEL = "run.cancel";

    /** A run ended with an answer (success) or a fatal error (failure). */
    public static final String RUN_END = "run.end";

    /** A tool call of a run, with its outcome and a digest of its arguments. */
    public static final String TOOL_CALL = "tool.call";

    /** A failed authentication. Nothing emits it until the server authenticates requests. */
    public static final String AUTH_FAILURE = "auth.failure";

    /** A request that its principal may not make. Nothing emits it until the server authorizes requests. */
    public static final String ACCESS_DENIED = "access.denied";

    /** A retention purge, written before the purged records are deleted; it keeps the chain verifiable. */
    public static final String AUDIT_PURGE = "audit.purge";

    /** A read of the audit log itself, such as a query or a verification over HTTP. */
    public static final String AUDIT_READ = "audit.read";

    /** The prefix of administrative actions, such as {@code admin.config.change}. */
    public static final String ADMIN_PREFIX = "admin.";

    private AuditActions() {
    }
}
