package dev.agentforge.server.audit;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRegistry;
import dev.agentforge.monitor.audit.AuditActions;
import dev.agentforge.monitor.audit.AuditEntry;
import dev.agentforge.monitor.audit.AuditLog;
import dev.agentforge.monitor.audit.AuditOutcome;
import dev.agentforge.monitor.audit.AuditStoreException;
import dev.agentforge.monitor.audit.RequestOrigin;
import dev.agentforge.server.RequestContext;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Connects an {@link AuditLog} to the HTTP routes of {@code AgentServer}: every {@code POST /v1/runs}
 * is recorded (an accepted run through its events, a rejected one as a {@code run.start} failure),
 * and every {@code POST /v1/runs/{id}/cancel} as a {@code run.cancel} with the request's principal,
 * client address and {@code User-Agent}. With {@code queryRoutes} it also serves {@code GET /v1/audit}
 * and {@code GET /v1/audit/verify}.
 */
public final class AuditHttp {

    private static final Logger LOG = LoggerFactory.getLogger(AuditHttp.class);
    private static final String ATTRIBUTION = "agentforge.audit.cancelAttribution";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AuditLog audit;
    private final RunRegistry registry;

    private AuditHttp(AuditLog audit, RunRegistry registry) {
        this.audit = audit;
        this.registry = registry;
    }

    /**
     * Adds the audit handlers to a server's configuration. Call it after the handler that stores the
     * request's principal, so the records name it.
     *
     * @param queryRoutes whether to serve {@code GET /v1/audit} and {@code GET /v1/audit/verify}
     */
    public static void install(JavalinConfig config, AuditLog audit, RunRegistry registry, boolean queryRoutes) {
        AuditHttp http = new AuditHttp(audit, registry);
        config.routes.after("/v1/runs", http::afterStart);
        config.routes.before("/v1/runs/{id}/cancel", http::beforeCancel);
        config.routes.after("/v1/runs/{id}/cancel", http::afterCancel);
        if (queryRoutes) {
            AuditRoutes.register(config, audit);
        }
    }

    /** Returns the origin of a request: the address of its connection and its {@code User-Agent}. */
    static RequestOrigin origin(Context ctx) {
        return new RequestOrigin(ctx.ip(), ctx.userAgent());
    }

    private void afterStart(Context ctx) {
        if (ctx.method() != HandlerType.POST) {
            return;
        }
        String principal = RequestContext.principal(ctx);
        int status = ctx.status().getCode();
        if (status == 202) {
            Optional<AgentRun> run = runOf(ctx.res().getHeader("Location"));
            if (run.isPresent()) {
                audit.watch(run.get(), origin(ctx));
                return;
            }
            LOG.warn("A run started over HTTP could not be found to audit (Location {})", ctx.res().getHeader("Location"));
        }
        recordQuietly(AuditEntry.builder(principal, AuditActions.RUN_START).outcome(AuditOutcome.FAILURE)
                .detail(rejection(ctx)).origin(origin(ctx)).build());
    }

    private void beforeCancel(Context ctx) {
        if (ctx.method() == HandlerType.POST) {
            ctx.attribute(ATTRIBUTION, audit.attributeCancel(ctx.pathParam("id")));
        }
    }

    private void afterCancel(Context ctx) {
        AuditLog.CancelAttribution attribution = ctx.attribute(ATTRIBUTION);
        if (attribution == null) {
            return;
        }
        String principal = RequestContext.principal(ctx);
        if (ctx.status().getCode() == 202) {
            attribution.finish(principal, origin(ctx), AuditOutcome.SUCCESS, "cancelled through the HTTP API");
        } else {
            attribution.finish(principal, origin(ctx), AuditOutcome.FAILURE, rejection(ctx));
        }
    }

    private Optional<AgentRun> runOf(String location) {
        if (location == null || !location.startsWith("/v1/runs/")) {
            return Optional.empty();
        }
        return registry.find(location.substring("/v1/runs/".length()));
    }

    private void recordQuietly(AuditEntry entry) {
        try {
            audit.record(entry);
        } catch (AuditStoreException | IllegalStateException e) {
            // AuditLog has logged and counted the failed write; the request's own response is unchanged.
            LOG.debug("The audit record of {} was not written: {}", entry.action(), e.getMessage());
        }
    }

    // "rejected with HTTP 409 run_finished", with the error code read from the JSON error body.
    static String rejection(Context ctx) {
        String detail = "rejected with HTTP " + ctx.status().getCode();
        try {
            String body = ctx.result();
            if (body != null && body.startsWith("{")) {
                JsonNode code = JSON.readTree(body).path("error").path("code");
                if (code.isString()) {
                    detail += " " + code.asString();
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("The error body of {} {} could not be read for the audit record", ctx.method(), ctx.path(), e);
        }
        return detail;
    }
}
