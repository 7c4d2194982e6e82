package dev.agentforge.server;

import dev.agentforge.agent.RunRequest;
import io.javalin.http.Context;

/**
 * Access to the principal a request acts for. A before-handler stores it as a request attribute
 * on every request. Today it is always {@link RunRequest#ANONYMOUS}, and authentication will
 * fill it in.
 */
public final class RequestContext {

    /** The name of the request attribute that contains the principal's name. */
    public static final String PRINCIPAL_ATTRIBUTE = "agentforge.principal";

    private RequestContext() {
    }

    /** Stores the principal of this request. */
    public static void setPrincipal(Context ctx, String principal) {
        ctx.attribute(PRINCIPAL_ATTRIBUTE, principal);
    }

    /** Returns the principal of this request, or {@code anonymous} if none was stored. */
    public static String principal(Context ctx) {
        String principal = ctx.attribute(PRINCIPAL_ATTRIBUTE);
        return principal == null || principal.isBlank() ? RunRequest.ANONYMOUS : principal;
    }
}
