package dev.agentforge.client;

import tools.jackson.databind.JsonNode;

/**
 * A run's status as {@code GET /v1/runs/{id}} returns it.
 *
 * @param runId the run's id
 * @param status {@code running}, {@code completed}, {@code failed} or {@code cancelled}
 * @param lastSequence the sequence number of the run's last event so far
 * @param answer the final answer when {@code completed}, else null
 * @param errorCode the error code when {@code failed}, such as {@code model_unavailable}, else null
 * @param errorMessage the error message when {@code failed}, else null
 * @param cancelReason why the run was cancelled when {@code cancelled}, else null
 * @param json the whole response body, for fields this record does not name
 */
public record RunInfo(String runId, String status, long lastSequence, String answer, String errorCode,
        String errorMessage, String cancelReason, JsonNode json) {

    /** Whether the run has ended: every status but {@code running} is final. */
    public boolean finished() {
        return !"running".equals(status);
    }

    static RunInfo of(JsonNode body) {
        JsonNode error = body.path("error");
        return new RunInfo(
                text(body, "runId"),
                text(body, "status"),
                body.path("lastSequence").asLong(0),
                text(body, "answer"),
                text(error, "code"),
                text(error, "message"),
                text(body, "cancelReason"),
                body);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
