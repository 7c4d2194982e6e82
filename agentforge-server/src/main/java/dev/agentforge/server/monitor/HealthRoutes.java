package dev.agentforge.server.monitor;

import dev.agentforge.monitor.HealthCheckStatus;
import dev.agentforge.monitor.HealthRegistry;
import dev.agentforge.monitor.HealthReport;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The handlers of {@code /health/live}, {@code /health/ready} and {@code /health}. docs/monitoring.md
 * describes the JSON bodies.
 *
 * <ul>
 *   <li>{@code /health/live} is 200 {@code {"status":"UP"}} whenever the process answers HTTP. It runs
 *       no check, so a slow dependency never fails liveness and never gets the process restarted.
 *   <li>{@code /health/ready} runs the due checks and is 200 when the service is ready, else 503, with
 *       each check's name, state, readiness and reason.
 *   <li>{@code /health} is {@code /health/ready} with every field of each check: duration, last
 *       success, consecutive failures, threshold, timeout and details.
 * </ul>
 */
public final class HealthRoutes {

    private final HealthRegistry health;

    public HealthRoutes(HealthRegistry health) {
        this.health = Objects.requireNonNull(health, "health");
    }

    /** {@code GET /health/live}. */
    public void live(Context ctx) {
        ctx.json(Map.of("status", "UP"));
    }

    /** {@code GET /health/ready}. */
    public void ready(Context ctx) {
        HealthReport report = health.check();
        List<Map<String, Object>> checks = new ArrayList<>();
        for (HealthCheckStatus check : report.checks()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("name", check.name());
            view.put("state", check.state().name());
            view.put("ready", check.ready());
            view.put("reason", check.message());
            checks.add(view);
        }
        ctx.status(report.ready() ? 200 : 503).json(body(report, checks));
    }

    /** {@code GET /health}. */
    public void details(Context ctx) {
        HealthReport report = health.check();
        List<Map<String, Object>> checks = new ArrayList<>();
        for (HealthCheckStatus check : report.checks()) {
            checks.add(detailsOf(check));
        }
        ctx.status(report.ready() ? 200 : 503).json(body(report, checks));
    }

    private static Map<String, Object> body(HealthReport report, List<Map<String, Object>> checks) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", report.status().name());
        body.put("ready", report.ready());
        if (report.draining() != null) {
            body.put("draining", report.draining());
        }
        body.put("checkedAt", report.checkedAt().toString());
        body.put("checks", checks);
        return body;
    }

    /** Returns the JSON view of one check as {@code /health} shows it. */
    public static Map<String, Object> detailsOf(HealthCheckStatus check) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", check.name());
        view.put("state", check.state().name());
        view.put("ready", check.ready());
        view.put("reason", check.message());
        view.put("durationMillis", check.duration().toMillis());
        view.put("checkedAt", check.checkedAt() == null ? null : check.checkedAt().toString());
        view.put("lastSuccess", check.lastSuccess() == null ? null : check.lastSuccess().toString());
        view.put("consecutiveFailures", check.consecutiveFailures());
        view.put("failureThreshold", check.failureThreshold());
        view.put("timeoutMillis", check.timeout().toMillis());
        view.put("details", check.details());
        return view;
    }
}
