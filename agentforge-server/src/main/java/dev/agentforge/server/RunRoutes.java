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
import dev.agentforge.server.transport.SseStreams;
import dev.agentforge.server.transport.TransportSettings;
import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** The handlers of the {@code /v1/runs} routes. */
final class RunRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(RunRoutes.class);

    // An optional sign and digits: a number, so a failed parse means out of range, not malformed.
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?\\d+");

    /** The {@code Retry-After} value, in seconds, sent when too many runs are working. */
    static final int TOO_MANY_RUNS_RETRY_AFTER_SECONDS = 5;

    /** The {@code Retry-After} value, in seconds, sent when a principal holds too many open streams. */
    static final int TOO_MANY_STREAMS_RETRY_AFTER_SECONDS = 5;

    private final Agent agent;
    private final RunRegistry registry;
    private final JsonBodyReader bodyReader;
    private final Duration heartbeat;
    private final long sseRetryMillis;
    private final TransportSettings transport;
    private final SseStreams streams;
    private final Clock clock;
    private volatile LeakDetector leaks;
    private volatile Consumer<AgentEvent> eventWritten = event -> { };
    private volatile LongConsumer eventsDropped = count -> { };
    private volatile Runnable subscriberDisconnected = () -> { };
    private volatile Consumer<AgentRun> inputReceived = run -> { };

    RunRoutes(Agent agent, RunRegistry registry, long maxBodyBytes, Duration heartbeat, long sseRetryMillis,
            TransportSettings transport, Clock clock) {
        this.agent = agent;
        this.registry = registry;
        this.bodyReader = new JsonBodyReader(maxBodyBytes);
        this.heartbeat = heartbeat;
        this.sseRetryMillis = sseRetryMillis;
        this.transport = transport;
        this.streams = new SseStreams(transport.maxStreamsPerPrincipal());
        this.clock = clock;
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
            String message = e.getMessage() + ". The limit is set by AGENTFORGE_MAX_ACTIVE_RUNS";
            throw new ApiException(503, ErrorCode.TOO_MANY_RUNS, message, Map.of(),
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

    /**
     * {@code POST /v1/runs/{id}/input}: answers the question a run waits on, which its {@code ask_user}
     * tool call returns to the model. 409 when the run waits for no answer.
     */
    void input(Context ctx) throws IOException {
        AgentRun run = findRun(ctx);
        JsonNode body = bodyReader.readObject(ctx.req().getContentType(), ctx.req().getContentLengthLong(),
                ctx.req().getInputStream());
        String input = JsonBodyReader.requiredText(body, "input");
        if (!run.provideInput(input)) {
            throw notWaiting(run);
        }
        inputReceived.accept(run);
        ctx.status(202).json(view(run));
    }

    /** Returns the 409 for a run that waits for no answer, naming its status. */
    static ApiException notWaiting(AgentRun run) {
        String status = statusName(run.status());
        String why = run.status().finished()
                ? "it has already finished with status " + status
                : "it is not waiting for input; wait for its waiting_input event";
        return new ApiException(409, ErrorCode.RUN_NOT_WAITING, "Run " + run.id() + " cannot take input: " + why,
                Map.of("runStatus", status), Map.of());
    }

    /**
     * {@code GET /v1/runs/{id}/events}: streams the run's events as SSE until its terminal event, or
     * returns 204 when {@code Last-Event-ID} names the terminal event or a later one, which makes a
     * browser's EventSource stop reconnecting.
     */
    void events(Context ctx) throws IOException {
        ResumePoint resume = resumePoint(ctx);
        if (resume.afterTerminal()) {
            noContent(ctx);
            return;
        }
        AgentRun run = resume.run();
        long after = resume.after();
        String principal = RequestContext.principal(ctx);

        HttpServletResponse response = ctx.res();
        SseSession session = new SseSession(run.id(), response.getOutputStream(), heartbeat,
                new SseSession.Listener(eventWritten, eventsDropped, subscriberDisconnected));
        SseStreams.Stream stream;
        try {
            stream = streams.register(run.id(), principal, session::stop, session::maxQueuedBytes);
        } catch (SseStreams.LimitExceededException e) {
            LOG.warn("Rejected an event stream of run {}: {}", run.id(), e.getMessage());
            throw new ApiException(429, ErrorCode.TOO_MANY_STREAMS, e.getMessage(),
                    Map.of("limit", e.limit()),
                    Map.of("Retry-After", Integer.toString(TOO_MANY_STREAMS_RETRY_AFTER_SECONDS)));
        }
        LeakDetector.Tracked tracked = leaks == null ? null : leaks.track("the SSE stream of run " + run.id());
        LOG.debug("SSE stream of run {} opened after sequence {}", run.id(), after);
        try {
            setWriteTimeout(ctx);
            setEventStreamHeaders(response);
            SseSession.End end = session.run(run.log(), after, sseRetryMillis, transport.backpressure(), clock);
            LOG.debug("SSE stream of run {} ended: {}", run.id(), end);
        } finally {
            stream.release();
            if (tracked != null) {
                tracked.release();
            }
        }
    }

    // A blocked write fails once the connection has been idle this long, which ends a client that stopped
    // reading. Jetty's idle timeout counts writes that make progress as activity, so heartbeats keep an
    // idle stream open.
    private void setWriteTimeout(Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request != null) {
            request.getConnectionMetaData().getConnection().getEndPoint()
                    .setIdleTimeout(transport.writeTimeout().toMillis());
        }
    }

    /**
     * {@code HEAD /v1/runs/{id}/events}: the status and headers that {@code GET} would send, without
     * streaming: 404, 400, 204, or 200 with the SSE headers.
     */
    void eventsHead(Context ctx) throws IOException {
        ResumePoint resume = resumePoint(ctx);
        if (resume.afterTerminal()) {
            noContent(ctx);
            return;
        }
        HttpServletResponse response = ctx.res();
        setEventStreamHeaders(response);
        // Commits the headers now, so that the response has no Content-Length, as a stream has none.
        response.flushBuffer();
    }

    // 204 has no body, so it has no Content-Type either, in place of Javalin's default text/plain.
    private static void noContent(Context ctx) {
        ctx.status(204);
        ctx.res().setContentType(null);
    }

    private static void setEventStreamHeaders(HttpServletResponse response) {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
    }

    /**
     * The start point of an event stream.
     *
     * @param after the sequence number after which events are sent, 0 for the whole run
     * @param afterTerminal whether {@code after} is at or after the run's terminal event, so no event follows
     */
    private record ResumePoint(AgentRun run, long after, boolean afterTerminal) {
    }

    /**
     * Finds the run and reads {@code Last-Event-ID}.
     *
     * @throws ApiException 404 if the run is unknown, 400 if the header is invalid or, while the run
     *     works, names a sequence number after the run's last event
     */
    private ResumePoint resumePoint(Context ctx) {
        AgentRun run = findRun(ctx);
        String header = ctx.header("Last-Event-ID");
        long after = parseLastEventId(header, run.id());
        if (after == 0) {
            return new ResumePoint(run, 0, false);
        }
        // The status turns final only after the terminal event is logged, so reading the status
        // before the last sequence number gives the final number whenever the status is final.
        boolean finished = run.status().finished();
        long last = run.log().lastSequence();
        if (after > last && !finished) {
            // The run may have finished between the two reads, so both are read again in that order.
            finished = run.status().finished();
            last = run.log().lastSequence();
        }
        if (finished && after >= last) {
            return new ResumePoint(run, after, true);
        }
        if (after > last) {
            throw invalidLastEventId("Invalid Last-Event-ID '" + header.strip() + "': it is ahead of the run's last"
                    + " event, " + run.id() + ":" + last + "; send the id of the last event received, or no"
                    + " Last-Event-ID to read the run from its first event");
        }
        return new ResumePoint(run, after, false);
    }

    /** Tracks each open SSE response with this detector. */
    void trackLeaks(LeakDetector detector) {
        this.leaks = detector;
    }

    /** Calls this listener after each event written to an SSE response, such as a delivery lag timer. */
    void onEventWritten(Consumer<AgentEvent> listener) {
        this.eventWritten = listener;
    }

    /** Calls these listeners when a subscriber's queue drops events, and when it disconnects a subscriber. */
    void onStreamDrops(LongConsumer dropped, Runnable disconnected) {
        this.eventsDropped = dropped;
        this.subscriberDisconnected = disconnected;
    }

    /** Calls this listener after a run took input through {@code POST /v1/runs/{id}/input}. */
    void onInput(Consumer<AgentRun> listener) {
        this.inputReceived = listener;
    }

    /** Returns the number of SSE responses open now. */
    int openStreams() {
        return streams.size();
    }

    /** The registry of open SSE responses. */
    SseStreams streams() {
        return streams;
    }

    /** Ends every open SSE response. Each handler returns after its current write. */
    void closeStreams(String reason) {
        streams.stopAll(reason);
    }

    /** Returns the run's status as {@code GET /v1/runs/{id}} shows it. */
    Map<String, Object> statusView(AgentRun run) {
        return view(run);
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
        String sequenceText = value.substring(colon + 1);
        if (!WHOLE_NUMBER.matcher(sequenceText).matches()) {
            throw invalidLastEventId("Invalid Last-Event-ID '" + value + "': the sequence is not a whole number"
                    + expected);
        }
        long sequence;
        try {
            sequence = Long.parseLong(sequenceText);
        } catch (NumberFormatException e) {
            throw invalidLastEventId("Invalid Last-Event-ID '" + value + "': the sequence is out of range (at most "
                    + Long.MAX_VALUE + ")" + expected);
        }
        if (sequence < 0) {
            throw invalidLastEventId("Invalid Last-Event-ID '" + value + "': the sequence is negative" + expected);
        }
        return sequence;
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
        run.waitingInput().ifPresent(waiting -> {
            Map<String, Object> question = new LinkedHashMap<>();
            question.put("callId", waiting.callId());
            question.put("question", waiting.question());
            question.put("sequence", waiting.sequence());
            view.put("waitingInput", question);
        });
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
