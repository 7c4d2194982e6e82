package dev.agentforge.server.audit;

import dev.agentforge.monitor.audit.AuditActions;
import dev.agentforge.monitor.audit.AuditAnchor;
import dev.agentforge.monitor.audit.AuditCodec;
import dev.agentforge.monitor.audit.AuditEntry;
import dev.agentforge.monitor.audit.AuditExport;
import dev.agentforge.monitor.audit.AuditLog;
import dev.agentforge.monitor.audit.AuditQuery;
import dev.agentforge.monitor.audit.AuditRecord;
import dev.agentforge.monitor.audit.AuditStoreException;
import dev.agentforge.monitor.audit.AuditVerification;
import dev.agentforge.server.ApiException;
import dev.agentforge.server.ErrorCode;
import dev.agentforge.server.RequestContext;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.StringWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The handlers of {@code GET /v1/audit} and {@code GET /v1/audit/verify}. docs/http-api.md
 * describes their parameters and responses. Until the server authenticates requests, anyone who
 * can reach the server can read the audit log through them; {@code AGENTFORGE_AUDIT_HTTP=false}
 * turns them off.
 */
final class AuditRoutes {

    /** 400: a query parameter of {@code GET /v1/audit} is invalid. */
    static final String INVALID_QUERY = "invalid_query";

    /** 503: the audit store could not be read. */
    static final String AUDIT_UNAVAILABLE = "audit_unavailable";

    /** The limit of {@code GET /v1/audit} when none is given. */
    static final int DEFAULT_LIMIT = 100;

    /** The largest limit {@code GET /v1/audit} accepts. */
    static final int MAX_LIMIT = 1_000;

    private static final String ALLOW = "GET, HEAD";

    private final AuditLog audit;

    private AuditRoutes(AuditLog audit) {
        this.audit = audit;
    }

    static void register(JavalinConfig config, AuditLog audit) {
        AuditRoutes routes = new AuditRoutes(audit);
        for (String path : List.of("/v1/audit", "/v1/audit/verify")) {
            Handler handler = path.endsWith("verify") ? routes::verify : routes::query;
            config.routes.get(path, handler);
            config.routes.head(path, handler);
            // Javalin's own 405 response reads the server's route table, which does not list these routes.
            config.routes.post(path, AuditRoutes::methodNotAllowed);
            config.routes.put(path, AuditRoutes::methodNotAllowed);
            config.routes.patch(path, AuditRoutes::methodNotAllowed);
            config.routes.delete(path, AuditRoutes::methodNotAllowed);
        }
    }

    private static void methodNotAllowed(Context ctx) {
        throw new ApiException(405, ErrorCode.METHOD_NOT_ALLOWED, "Method " + ctx.method().name() + " is not allowed on "
                + ctx.path() + "; use GET or HEAD", Map.of("allowedMethods", List.of("GET", "HEAD")),
                Map.of("Allow", ALLOW));
    }

    /** {@code GET /v1/audit}: the records that match the query, as JSON, JSON lines or CSV. */
    private void query(Context ctx) {
        String format = parameter(ctx, "format", "json");
        if (!List.of("json", "jsonl", "csv").contains(format)) {
            throw invalid("format", "Invalid format '" + format + "': use json, jsonl or csv");
        }
        int limit = (int) number(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        AuditQuery query;
        try {
            query = new AuditQuery(ctx.queryParam("actor"), ctx.queryParam("action"), instant(ctx, "from"),
                    instant(ctx, "to"), ctx.queryParam("runId"), number(ctx, "after", 0, 0, Long.MAX_VALUE), limit);
        } catch (IllegalArgumentException e) {
            throw invalid(null, "Invalid audit query: " + e.getMessage());
        }
        List<AuditRecord> records = read(() -> audit.query(query));
        recordRead(ctx);
        Long next = records.size() == limit ? records.getLast().sequence() : null;
        if (next != null) {
            ctx.header("X-Audit-Next-After", Long.toString(next));
        }
        StringWriter out = new StringWriter();
        switch (format) {
            case "csv" -> {
                AuditExport.writeCsv(records, out);
                ctx.contentType("text/csv; charset=utf-8").result(out.toString());
            }
            case "jsonl" -> {
                AuditExport.writeJsonLines(records, out);
                ctx.contentType("application/jsonl; charset=utf-8").result(out.toString());
            }
            default -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("records", records.stream().map(AuditCodec::toMap).toList());
                body.put("count", records.size());
                body.put("nextAfter", next);
                ctx.json(body);
            }
        }
    }

    /** {@code GET /v1/audit/verify}: the verifier's result over the whole log, against the stored anchor. */
    private void verify(Context ctx) {
        AuditVerification result = read(audit::verify);
        recordRead(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("valid", result.valid());
        body.put("algorithm", result.algorithm());
        body.put("records", result.records());
        body.put("firstSequence", result.firstSequence());
        body.put("lastSequence", result.lastSequence());
        body.put("firstBadSequence", result.firstBadSequence());
        body.put("problem", result.problem());
        AuditAnchor anchor = result.anchor();
        body.put("anchor", anchor == null ? null : Map.of("sequence", anchor.sequence(), "hash", anchor.hash()));
        body.put("anchorStatus", result.anchorStatus());
        ctx.json(body);
    }

    private void recordRead(Context ctx) {
        if (ctx.method() != HandlerType.GET) {
            return;
        }
        try {
            audit.record(AuditEntry.builder(RequestContext.principal(ctx), AuditActions.AUDIT_READ)
                    .resource(ctx.path()).detail(ctx.queryString()).origin(AuditHttp.origin(ctx)).build());
        } catch (AuditStoreException | IllegalStateException e) {
            // AuditLog has logged and counted the failed write; the read itself succeeded.
        }
    }

    private static <T> T read(java.util.function.Supplier<T> reader) {
        try {
            return reader.get();
        } catch (AuditStoreException e) {
            throw new ApiException(503, AUDIT_UNAVAILABLE, "The audit log could not be read: " + e.getMessage()
                    + "; the server log has the details");
        }
    }

    private static String parameter(Context ctx, String name, String defaultValue) {
        String value = ctx.queryParam(name);
        return value == null || value.isBlank() ? defaultValue : value.strip();
    }

    private static long number(Context ctx, String name, long defaultValue, long min, long max) {
        String value = parameter(ctx, name, null);
        if (value == null) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(name, "Invalid " + name + " '" + value + "': expected a whole number from " + min + " to " + max);
        }
        if (parsed < min || parsed > max) {
            throw invalid(name, "Invalid " + name + " '" + value + "': out of range; expected a whole number from "
                    + min + " to " + max);
        }
        return parsed;
    }

    private static Instant instant(Context ctx, String name) {
        String value = parameter(ctx, name, null);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid(name, "Invalid " + name + " '" + value + "': expected an ISO-8601 instant in UTC, such as"
                    + " 2026-03-01T10:00:00Z");
        }
    }

    private static ApiException invalid(String field, String message) {
        return new ApiException(400, INVALID_QUERY, message, field == null ? Map.of() : Map.of("field", field),
                Map.of());
    }
}
