package dev.agentforge.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The route table of {@link AgentServer}: it names the allowed methods in 405 responses and lists
 * the routes in the index at {@code GET /}. Every {@code GET} route also responds to {@code HEAD}.
 */
final class Routes {

    /**
     * One route.
     *
     * @param method the HTTP method
     * @param path the path, with {@code {id}} for a run id
     * @param description one line on what the route does
     */
    record Route(String method, String path, String description) {

        Pattern pattern() {
            if (path.equals("/")) {
                return Pattern.compile("/");
            }
            return Pattern.compile(Pattern.quote(path).replace("{id}", "\\E[^/]+\\Q") + "/?");
        }
    }

    static final List<Route> ROUTES = List.of(
            new Route("GET", "/", "this index of the API"),
            new Route("POST", "/v1/runs", "starts a run of the agent; send {\"input\": \"...\"} as"
                    + " application/json, and get 202 with the run's URLs"),
            new Route("GET", "/v1/runs/{id}", "returns a run's status and, once it has finished, its answer or error"),
            new Route("GET", "/v1/runs/{id}/events",
                    "streams a run's events as server-sent events; a Last-Event-ID header resumes after that event"),
            new Route("POST", "/v1/runs/{id}/cancel", "cancels a working run"),
            new Route("POST", "/v1/runs/{id}/input", "answers the question a run waits on after its waiting_input"
                    + " event; send {\"input\": \"...\"} as application/json"),
            new Route("GET", "/v1/ws", "a WebSocket connection to start runs, answer and cancel them, and watch"
                    + " runs through topics; docs/websocket.md describes the messages"),
            new Route("POST", "/v1/agui", "runs the agent for an AG-UI client: send a RunAgentInput as"
                    + " application/json, and get the run's AG-UI events as server-sent events"),
            new Route("GET", "/v1/audit", "audit records by actor, action, time range and run id, as JSON or CSV;"
                    + " served when the audit log is on and AGENTFORGE_AUDIT_HTTP is true (docs/audit.md)"),
            new Route("GET", "/v1/audit/verify", "verifies the audit log's hash chain and anchor"),
            new Route("GET", "/health/live", "liveness: 200 while the process serves HTTP"),
            new Route("GET", "/health/ready",
                    "readiness: 200 when every readiness check passes, else 503 with the reasons"),
            new Route("GET", "/health", "every health check with its state, duration, last success and details;"
                    + " 200 when ready, else 503"),
            new Route("GET", "/metrics", "metrics in the Prometheus text format, or OpenMetrics when the Accept"
                    + " header asks for application/openmetrics-text"));

    private Routes() {
    }

    /**
     * Returns the methods that some route accepts on this path, in route order without repeats, with
     * {@code HEAD} after each {@code GET}.
     */
    static List<String> allowedMethods(String path) {
        List<String> methods = new ArrayList<>();
        for (Route route : ROUTES) {
            if (!route.pattern().matcher(path).matches()) {
                continue;
            }
            addOnce(methods, route.method());
            if (route.method().equals("GET")) {
                addOnce(methods, "HEAD");
            }
        }
        return List.copyOf(methods);
    }

    /** Returns each route as {@code method}, {@code url} and {@code description}, for the index. */
    static List<Map<String, String>> describe() {
        List<Map<String, String>> routes = new ArrayList<>();
        for (Route route : ROUTES) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("method", route.method());
            entry.put("url", route.path());
            entry.put("description", route.description());
            routes.add(entry);
        }
        return routes;
    }

    private static void addOnce(List<String> methods, String method) {
        if (!methods.contains(method)) {
            methods.add(method);
        }
    }
}
