package dev.agentforge.client;

import java.net.URI;

/**
 * The response to starting a run.
 *
 * @param runId the run's id
 * @param status the run's status when the server responded: usually {@code running}, but a fast run
 *     may already be {@code completed} or {@code failed}
 * @param eventsUrl the absolute URL of the run's event stream
 * @param statusUrl the absolute URL of the run's status
 * @param cancelUrl the absolute URL that cancels the run
 */
public record StartedRun(String runId, String status, URI eventsUrl, URI statusUrl, URI cancelUrl) {
}
