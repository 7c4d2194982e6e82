package dev.agentforge.server.agui;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRegistry;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.resource.MemoryLimitExceededException;
import dev.agentforge.server.ApiException;
import dev.agentforge.server.ErrorCode;
import dev.agentforge.server.RequestContext;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The handler of {@code POST /v1/agui}, the AG-UI protocol's HTTP binding: it takes a
 * {@code RunAgentInput}, starts a run of the agent in the server's run registry, and streams the
 * run as AG-UI events over server-sent events. docs/agui.md describes the mapping.
 */
public final class AgUiRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(AgUiRoutes.class);

    /** The response header that carries our run id, for {@code GET /v1/runs/{id}} and cancelling. */
    public static final String RUN_ID_HEADER = "X-AgentForge-Run-Id";

    /** The {@code Retry-After} value, in seconds, sent when a run is rejected with 503. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final Agent agent;
    private final RunRegistry registry;
    private final Duration heartbeat;
    private final Set<AgUiStream> openStreams = ConcurrentHashMap.newKeySet();

    /**
     * @param heartbeat how long the stream may be idle before the server writes a keep-alive comment
     */
    public AgUiRoutes(Agent agent, RunRegistry registry, Duration heartbeat) {
        this.agent = Objects.requireNonNull(agent, "agent");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
    }

    /**
     * Starts a run for a {@code RunAgentInput} body, already read as a JSON object, and streams its
     * AG-UI events until the run ends.
     *
     * @throws ApiException 400 for an invalid input, 503 when the run is not admitted; both are sent
     *     before the stream starts
     */
    public void run(Context ctx, JsonNode body) throws IOException {
        RunAgentInput input = RunAgentInput.parse(body);
        String principal = RequestContext.principal(ctx);
        AgentRun run = start(new RunRequest(input.input(), principal));
        LOG.info("Run {} started for principal {} through AG-UI (thread {}, AG-UI run {})", run.id(), principal,
                input.threadId(), input.runId());

        HttpServletResponse response = ctx.res();
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        response.setHeader(RUN_ID_HEADER, run.id());

        AgUiStream stream = new AgUiStream(run, new AgUiEventMapper(input.threadId(), input.runId()),
                response.getOutputStream(), heartbeat);
        openStreams.add(stream);
        try {
            stream.run();
        } finally {
            openStreams.remove(stream);
        }
    }

    private AgentRun start(RunRequest request) {
        try {
            return registry.start(agent, request);
        } catch (RunRegistry.TooManyRunsException e) {
            LOG.warn("Rejected an AG-UI run for principal {}: {}", request.principal(), e.getMessage());
            throw new ApiException(503, ErrorCode.TOO_MANY_RUNS, e.getMessage()
                    + ". The limit is set by AGENTFORGE_MAX_ACTIVE_RUNS", Map.of(), retryAfter());
        } catch (MemoryLimitExceededException e) {
            LOG.warn("Rejected an AG-UI run for principal {}: {}", request.principal(), e.getMessage());
            throw new ApiException(503, ErrorCode.MEMORY_LIMIT_EXCEEDED, e.getMessage(), Map.of(), retryAfter());
        }
    }

    private static Map<String, String> retryAfter() {
        return Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }

    /** Returns the number of AG-UI streams open now. */
    public int openStreams() {
        return openStreams.size();
    }

    /** Ends every open AG-UI stream with a {@code RUN_ERROR}. Each handler returns after its current write. */
    public void closeStreams(String reason) {
        openStreams.forEach(stream -> stream.stop(reason));
    }
}
