package dev.agentforge.server;

/**
 * The stable codes of the HTTP API's error bodies. Clients branch on these strings, so a code is
 * never renamed or reused for another meaning. docs/http-api.md describes each one.
 */
public final class ErrorCode {

    /** 400: the request body is not valid JSON, or is empty. */
    public static final String INVALID_JSON = "invalid_json";

    /** 400: the request body is JSON but not an object. */
    public static final String INVALID_REQUEST = "invalid_request";

    /** 400: a required field of the request body is missing or null. */
    public static final String MISSING_FIELD = "missing_field";

    /** 400: a field of the request body has the wrong type or an invalid value. */
    public static final String INVALID_FIELD = "invalid_field";

    /** 400: the {@code Last-Event-ID} header is not of the form {@code <runId>:<sequence>}. */
    public static final String INVALID_LAST_EVENT_ID = "invalid_last_event_id";

    /** 404: no route matches the path. */
    public static final String NOT_FOUND = "not_found";

    /** 404: no run has this id, or it was evicted after its retention time. */
    public static final String RUN_NOT_FOUND = "run_not_found";

    /** 405: the route exists but does not accept this method. */
    public static final String METHOD_NOT_ALLOWED = "method_not_allowed";

    /** 409: the run has already finished, so it cannot be cancelled. */
    public static final String RUN_FINISHED = "run_finished";

    /** 409: the run waits for no answer, so {@code POST /v1/runs/{id}/input} cannot deliver one. */
    public static final String RUN_NOT_WAITING = "run_not_waiting";

    /** 429: the principal already holds as many open event streams as its limit allows. */
    public static final String TOO_MANY_STREAMS = "too_many_streams";

    /** 413: the request body is larger than the configured limit. */
    public static final String BODY_TOO_LARGE = "body_too_large";

    /** 415: the request body is not declared as {@code application/json}. */
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";

    /** 503: the limit of runs working at once is reached. */
    public static final String TOO_MANY_RUNS = "too_many_runs";

    /** 503: the heap is above the hard memory limit, so new runs are rejected until usage falls. */
    public static final String MEMORY_LIMIT_EXCEEDED = "memory_limit_exceeded";

    /**
     * 503: the server is shutting down, so it starts no new runs; retry after the {@code Retry-After}
     * header's seconds, when the request reaches another replica.
     */
    public static final String SHUTTING_DOWN = "shutting_down";

    /** 500: an unexpected failure inside the server, whose log has the details. */
    public static final String INTERNAL_ERROR = "internal_error";

    private ErrorCode() {
    }
}
