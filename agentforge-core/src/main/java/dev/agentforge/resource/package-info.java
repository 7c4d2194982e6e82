/**
 * Shared access to external resources: {@link dev.agentforge.resource.Batcher} collects single lookups
 * into batch requests, and {@link dev.agentforge.resource.ObjectPool} pools clients other than JDBC
 * connections on Apache Commons Pool2.
 */
package dev.agentforge.resource;
