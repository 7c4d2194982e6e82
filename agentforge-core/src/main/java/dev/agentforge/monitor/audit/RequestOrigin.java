package dev.agentforge.monitor.audit;

/**
 * The origin of a request, for records of actions that arrived over HTTP.
 *
 * @param clientAddress the address of the client's connection, or null
 * @param userAgent the {@code User-Agent} header, or null
 */
public record RequestOrigin(String clientAddress, String userAgent) {

    /** The origin of actions that did not arrive over HTTP, such as calls through the Java API. */
    public static final RequestOrigin NONE = new RequestOrigin(null, null);
}
