package dev.agentforge.server;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRegistry;
import dev.agentforge.resource.LeakDetector;
import dev.agentforge.resource.MemoryLimitExceededException;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.RunStatus;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorEvent;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

/** The handlers of the {@code /v1/runs} routes. */
final class RunRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(RunRoutes.class);

    /** The {@code Retry-After} value, in seconds, sent when too many runs are working. */
    static final int TOO_MANY_RUNS_RETRY_AFTER_SECONDS = 5;

    private final Agent agent;
    private final RunRegistry registry;
    private final JsonBodyReader bodyReader;
    private final Duration heartbeat;
    private final long sseRetryMillis;
    private final Set<SseSession> openSessions = ConcurrentHashMap.newKeySet();
    private volatile LeakDetector leaks;

    RunRoutes(Agent agent, RunRegistry registry, long maxBodyBytes, Duration heartbeat, long sseRetryMillis) {
        this.agent = agent;
        this.registry = registry;
        this.bodyReader = new JsonBodyReader(maxBodyBytes);
        this.heartbeat = heartbeat;
        this.sseRetryMillis = sseRetryMillis;
    }

    /** {@code POST /v1/runs}: starts a run and returns 202 with its URLs. */
    void start(Context ctx) throws IOException {
        JsonNode body = bodyReader.readObject(ctx.req().getContentType(), ctx.req().getContentLengthLong(),
                ctx.req().getInputStream());
        String input = JsonBodyReader.requiredText(body, "input");
        String principal = RequestContext.principal(ctx);

        AgentRun run;
        try {
            run = registry.start(agent, new RunRequest(input, principal));
        } catch (RunRegistry.TooManyRunsException e) {
            LOG.warn("Rejected a run for principal {}: {}", principal, e.getMessage());
            throw new ApiException(503, ErrorCode.TOO_MANY_RUNS, e.getMessage(), Map.of(),
                    Map.of("Retry-After", Integer.toString(TOO_MANY_RUNS_RETRY_AFTER_SECONDS)));
        } catch (MemoryLimitExceededException e) {
            LOG.warn("Rejected a run for principal {}: {}", principal, e.getMessage());
            throw new ApiException(503, ErrorCode.MEMORY_LIMIT_EXCEEDED, e.getMessage(), Map.of(),
                    Map.of("Retry-After", Integer.toString(TOO_MANY_RUNS_RETRY_AFTER_SECONDS)));
        }
        LOG.info("Run {} started for principal {}", run.id(), principal);

        String statusUrl = "/v1/runs/" + run.id();
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("runId", run.id());
        response.put("status", statusName(run.status()));
        response.put("eventsUrl", statusUrl + "/events");
        response.put("statusUrl", statusUrl);
        response.put("cancelUrl", statusUrl + "/cancel");
        ctx.status(202).header("Location", statusUrl).json(response);
    }

    /** {@code GET /v1/runs/{id}}: returns the run's status and, once finished, its outcome. */
    void status(Context ctx) {
        AgentRun run = findRun(ctx);
        ctx.json(view(run));
    }

    /** {@code POST /v1/runs/{id}/cancel}: cancels a working run, or returns 409 if it has already finished. */
    void cancel(Context ctx) {
        AgentRun run = findRun(ctx);
        String principal = RequestContext.principal(ctx);
        if (!run.cancel("cancelled by " + principal + " through the HTTP API")) {
            String finalStatus = statusName(run.status());
            throw new ApiException(409, ErrorCode.RUN_FINISHED, "Run " + run.id() + " has already finished with status "
                    + finalStatus + ", so it cannot be cancelled", Map.of("runStatus", finalStatus), Map.of());
        }
        ctx.status(202).json(view(run));
    }

    /** {@code GET /v1/runs/{id}/events}: streams the run's events as SSE until its terminal event. */
    void events(Context ctx) throws IOException {
        AgentRun run = findRun(ctx);
        long after = parseLastEventId(ctx.header("Last-Event-ID"), run.id());
        Flux<AgentEvent> events = run.eventsAfter(after);

        HttpServletResponse response = ctx.res();
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");

        SseSession session = new SseSession(run.id(), response.getOutputStream(), heartbeat);
        openSessions.add(session);
        LeakDetector.Tracked tracked = leaks == null ? null : leaks.track("the SSE stream of run " + run.id());
        LOG.debug("SSE stream of run {} opened after sequence {}", run.id(), after);
        try {
            session.run(events, sseRetryMillis);
        } finally {
            openSessions.remove(session);
            if (tracked != null) {
                tracked.release();
            }
        }
    }

    /** Tracks each open SSE response with this detector. */
    void trackLeaks(LeakDetector detector) {
        this.leaks = detector;
    }

    /** Returns the number of SSE responses open now. */
    int openStreams() {
        return openSessions.size();
    }

    /** Ends every open SSE response. Each handler returns after its current write. */
    void closeStreams(String reason) {
        openSessions.forEach(session -> session.stop(reason));
    }

    private AgentRun findRun(Context ctx) {
        String id = ctx.pathParam("id");
        return registry.find(id).orElseThrow(() -> new ApiException(404, ErrorCode.RUN_NOT_FOUND,
                "No run has id '" + id + "'; it never existed or was removed after its retention time"));
    }

    /**
     * Parses a {@code Last-Event-ID} of the form {@code <runId>:<sequence>}, as this server writes
     * SSE ids, and returns the sequence, or 0 when the header is absent or empty.
     */
    static long parseLastEventId(String header, String runId) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        String value = header.strip();
        int colon = value.lastIndexOf(':');
        String expected = "; send the id of the last event received, of the form " + runId + ":<sequence>";
        if (colon < 0) {
            throw invalidLastEventId("Invalid Last-Event-ID '" + value + "': it has no ':'" + expected);
        }
        String idPart = value.substring(0, colon);
        if (!idPart.equals(runId)) {
            throw invalidLastEventId("Invalid Last-Event-ID '" + value + "': it names run '" + idPart
                    + "', but this stream is of run '" + runId + "'" + expected);
        }
        try {
            long sequence = Long.parseLong(value.substring(colon + 1));
            if (sequence < 0) {
                throw invalidLastEventId("Invalid Last-Event-ID '" + value + "': the sequence is negative" + expected);
            }
            return sequence;
        } catch (NumberFormatException e) {
            throw invalidLastEventId("Invalid Last-Event-ID '" + value + "': the sequence is not a whole number"
                    + expected);
        }
    }

    private static ApiException invalidLastEventId(String message) {
        return new ApiException(400, ErrorCode.INVALID_LAST_EVENT_ID, message);
    }

    private Map<String, Object> view(AgentRun run) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("runId", run.id());
        view.put("status", statusName(run.status()));
        view.put("input", run.request().input());
        view.put("principal", run.request().principal());
        view.put("model", agent.modelName());
        view.put("startedAt", run.startedAt());
        view.put("finishedAt", run.finishedAt());
        view.put("lastSequence", run.log().lastSequence());
        view.put("retainedBytes", run.retainedBytes());
        view.put("usage", run.usage());
        RunResult result = finishedResult(run);
        if (result != null) {
            view.put("usage", result.usage());
            putOutcome(view, result);
        }
        view.put("eventsUrl", "/v1/runs/" + run.id() + "/events");
        return view;
    }

    private static void putOutcome(Map<String, Object> view, RunResult result) {
        if (result.answer() != null) {
            view.put("answer", result.answer());
        }
        ErrorEvent error = result.error();
        if (error != null) {
            Map<String, Object> errorView = new LinkedHashMap<>();
            errorView.put("code", error.code());
            errorView.put("message", error.message());
            errorView.put("retryable", error.retryable());
            if (error.partialText() != null) {
                errorView.put("partialText", error.partialText());
            }
            view.put("error", errorView);
        }
        if (result.cancelReason() != null) {
            view.put("cancelReason", result.cancelReason());
        }
    }

    // A run's status turns final just before its result future completes, so a finished run's
    // result is at most moments away.
    private static RunResult finishedResult(AgentRun run) {
        if (!run.status().finished()) {
            return null;
        }
        try {
            return run.result().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("Run {} is {} but its result is not available", run.id(), run.status(), e);
            return null;
        }
    }

    static String statusName(RunStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }
}
