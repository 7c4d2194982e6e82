package dev.agentforge.server;

import java.util.List;
import java.util.regex.Pattern;

/** The route table of {@link AgentServer}, used to name the allowed methods in 405 responses. */
final class Routes {

    private record Route(String method, Pattern path) {
    }

    private static final String ID = "[^/]+";

    private static final List<Route> ROUTES = List.of(
            new Route("POST", Pattern.compile("/v1/runs/?")),
            new Route("GET", Pattern.compile("/v1/runs/" + ID + "/?")),
            new Route("GET", Pattern.compile("/v1/runs/" + ID + "/events/?")),
            new Route("POST", Pattern.compile("/v1/runs/" + ID + "/cancel/?")),
            new Route("GET", Pattern.compile("/health/live/?")),
            new Route("GET", Pattern.compile("/health/ready/?")));

    private Routes() {
    }

    /** Returns the methods that some route accepts on this path, in route order without repeats. */
    static List<String> allowedMethods(String path) {
        return ROUTES.stream()
                .filter(route -> route.path().matcher(path).matches())
                .map(Route::method)
                .distinct()
                .toList();
    }
}
