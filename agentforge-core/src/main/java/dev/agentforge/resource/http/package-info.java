/**
 * One configured JDK {@link java.net.http.HttpClient} for tools and model clients
 * ({@link dev.agentforge.resource.http.HttpClients}), and a readiness check of an upstream HTTP
 * service ({@link dev.agentforge.resource.http.UpstreamHealthCheck}).
 */
package dev.agentforge.resource.http;
