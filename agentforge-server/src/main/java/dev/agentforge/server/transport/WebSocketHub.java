package dev.agentforge.server.transport;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRegistry;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.RunStarted;
import dev.agentforge.event.WaitingInput;
import dev.agentforge.resource.MemoryLimitExceededException;
import dev.agentforge.transport.EventFeed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /v1/ws} endpoint: it accepts WebSocket connections, handles their messages, and
 * broadcasts to topics. A topic is {@code run:<runId>}, the events of one run, or {@code runs}, the
 * lifecycle events of every run ({@code run_started}, {@code waiting_input}, {@code done}, a fatal
 * {@code error}, {@code cancelled}). Every connection has its own bounded queues, so one slow or stuck
 * client never delays the others, and one that overflows is closed with 1013. docs/websocket.md
 * describes the protocol.
 */
public final class WebSocketHub {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketHub.class);

    /** The path the endpoint serves. */
    public static final String PATH = "/v1/ws";

    /** The most runs one connection may watch at once. */
    static final int MAX_WATCHES_PER_CONNECTION = 64;

    private final Agent agent;
    private final RunRegistry registry;
    private final TransportSettings settings;
    private final Clock clock;
    private final WebSocketListener listener;
    private final Set<WebSocketConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<WebSocketConnection> runsWatchers = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final Counter eventsDropped;
    private final Counter overflows;
    private final Counter timeouts;

    public WebSocketHub(Agent agent, RunRegistry registry, TransportSettings settings, Clock clock,
            WebSocketListener listener, MeterRegistry meters) {
        this.agent = Objects.requireNonNull(agent, "agent");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = listener;
        Gauge.builder("agentforge.ws.connections", connections, Set::size)
                .description("Open WebSocket connections").register(meters);
        this.eventsDropped = Counter.builder("agentforge.ws.events.dropped")
                .description("Events that WebSocket subscriber queues dropped, each announced by a notice")
                .register(meters);
        this.overflows = Counter.builder("agentforge.ws.closed.slow")
                .description("WebSocket connections closed with 1013 because a queue of theirs overflowed")
                .register(meters);
        this.timeouts = Counter.builder("agentforge.ws.closed.timeout")
                .description("WebSocket connections dropped for a missing pong or a write without progress")
                .register(meters);
    }

    /** Returns the servlet that serves the endpoint, for {@code ServletContextHandler.addServlet}. */
    public JettyWebSocketServlet servlet() {
        return new Servlet();
    }

    /** The open connections. */
    public List<WebSocketConnection> connections() {
        return List.copyOf(connections);
    }

    /** Sends each connection a close with 1001 (going away). */
    public void closeAll(String reason) {
        connections.forEach(connection -> connection.close(StatusCode.SHUTDOWN, reason));
    }

    /** Feeds the {@code runs} topic with the run's lifecycle events; a run registry start listener. */
    public void observe(AgentRun run) {
        run.events().filter(WebSocketHub::lifecycle).subscribe(this::broadcastRuns,
                error -> LOG.warn("The runs feed lost the events of run {}", run.id(), error));
    }

    private static boolean lifecycle(AgentEvent event) {
        return event instanceof RunStarted || event instanceof WaitingInput || event.terminal()
                || (event instanceof ErrorEvent error && error.fatal());
    }

    private void broadcastRuns(AgentEvent event) {
        if (runsWatchers.isEmpty()) {
            return;
        }
        String message = WsProtocol.event(WsProtocol.RUNS_TOPIC, event);
        runsWatchers.forEach(connection -> connection.send(message));
    }

    boolean admit(WebSocketConnection connection) {
        synchronized (connections) {
            if (connections.size() >= settings.wsMaxConnections()) {
                LOG.warn("Rejected WebSocket connection {}: {} connections are open, the limit", connection.id(),
                        connections.size());
                return false;
            }
            connections.add(connection);
            return true;
        }
    }

    boolean isAdmitted(WebSocketConnection connection) {
        return connections.contains(connection);
    }

    boolean watchesRuns(WebSocketConnection connection) {
        return runsWatchers.contains(connection);
    }

    void remove(WebSocketConnection connection) {
        connections.remove(connection);
        runsWatchers.remove(connection);
    }

    void overflowed(WebSocketConnection connection) {
        overflows.increment();
    }

    void pongTimedOut(WebSocketConnection connection) {
        timeouts.increment();
    }

    void writeTimedOut(WebSocketConnection connection) {
        timeouts.increment();
    }

    void listener(Consumer<WebSocketListener> call) {
        if (listener == null) {
            return;
        }
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("A WebSocket listener failed; the connection goes on", e);
        }
    }

    void handle(WebSocketConnection connection, String text) {
        WsProtocol.ClientMessage message;
        try {
            message = WsProtocol.parse(text);
        } catch (WsProtocol.ProtocolViolation e) {
            connection.protocolViolation(e.id(), e.getMessage());
            return;
        } catch (WsProtocol.InvalidMessage e) {
            connection.send(WsProtocol.error(e.id(), e.code(), e.getMessage()));
            return;
        }
        try {
            switch (message) {
                case WsProtocol.Start start -> start(connection, start);
                case WsProtocol.Input input -> input(connection, input);
                case WsProtocol.Cancel cancel -> cancel(connection, cancel);
                case WsProtocol.Resume resume -> watch(connection, resume, resume.runId(), resume.after());
                case WsProtocol.Subscribe subscribe -> subscribe(connection, subscribe);
                case WsProtocol.Unsubscribe unsubscribe -> unsubscribe(connection, unsubscribe);
            }
        } catch (RuntimeException e) {
            LOG.error("WebSocket connection {} failed to handle a {} message", connection.id(), message.type(), e);
            connection.send(WsProtocol.error(message.id(), "internal_error", "The server failed to handle the "
                    + message.type() + " message (" + e.getClass().getName() + "); the server log has the details"));
            connection.close(StatusCode.SERVER_ERROR, "Internal error; the server log has the details");
        }
    }

    private void start(WebSocketConnection connection, WsProtocol.Start start) {
        if (connection.watchCount() >= MAX_WATCHES_PER_CONNECTION) {
            connection.send(tooManyWatches(start));
            return;
        }
        AgentRun run;
        try {
            run = registry.start(agent, new RunRequest(start.input(), connection.principal()));
        } catch (RunRegistry.TooManyRunsException e) {
            connection.send(WsProtocol.error(start.id(), "too_many_runs", e.getMessage()
                    + ". The limit is set by AGENTFORGE_MAX_ACTIVE_RUNS"));
            return;
        } catch (MemoryLimitExceededException e) {
            connection.send(WsProtocol.error(start.id(), "memory_limit_exceeded", e.getMessage()));
            return;
        }
        LOG.info("Run {} started for principal {} over WebSocket connection {}", run.id(), connection.principal(),
                connection.id());
        String topic = WsProtocol.RUN_TOPIC_PREFIX + run.id();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("runId", run.id());
        fields.put("topic", topic);
        connection.send(WsProtocol.ack(start, fields));
        connection.watch(topic, run.id(), feed(connection, run, 0));
    }

    private void input(WebSocketConnection connection, WsProtocol.Input input) {
        AgentRun run = findRun(connection, input, input.runId());
        if (run == null) {
            return;
        }
        if (!run.provideInput(input.input())) {
            String why = run.status().finished()
                    ? "it has already finished"
                    : "it is not waiting for input; wait for its waiting_input event";
            connection.send(WsProtocol.error(input.id(), "run_not_waiting", "Run " + run.id()
                    + " cannot take input: " + why));
            return;
        }
        connection.send(WsProtocol.ack(input, Map.of("runId", run.id())));
    }

    private void cancel(WebSocketConnection connection, WsProtocol.Cancel cancel) {
        AgentRun run = findRun(connection, cancel, cancel.runId());
        if (run == null) {
            return;
        }
        String reason = cancel.reason() != null && !cancel.reason().isBlank()
                ? cancel.reason()
                : "cancelled by " + connection.principal() + " over WebSocket";
        if (!run.cancel(reason)) {
            connection.send(WsProtocol.error(cancel.id(), "run_finished", "Run " + run.id() + " has already"
                    + " finished, so it cannot be cancelled"));
            return;
        }
        connection.send(WsProtocol.ack(cancel, Map.of("runId", run.id())));
    }

    private void subscribe(WebSocketConnection connection, WsProtocol.Subscribe subscribe) {
        if (subscribe.topic().equals(WsProtocol.RUNS_TOPIC)) {
            runsWatchers.add(connection);
            connection.send(WsProtocol.ack(subscribe, Map.of("topic", WsProtocol.RUNS_TOPIC)));
            return;
        }
        String runId = subscribe.topic().substring(WsProtocol.RUN_TOPIC_PREFIX.length());
        watch(connection, subscribe, runId, subscribe.after());
    }

    private void unsubscribe(WebSocketConnection connection, WsProtocol.Unsubscribe unsubscribe) {
        boolean removed = unsubscribe.topic().equals(WsProtocol.RUNS_TOPIC)
                ? runsWatchers.remove(connection)
                : connection.unwatch(unsubscribe.topic());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("topic", unsubscribe.topic());
        fields.put("wasSubscribed", removed);
        connection.send(WsProtocol.ack(unsubscribe, fields));
    }

    // Starts sending the run's events after the sequence number: for resume and subscribe.
    private void watch(WebSocketConnection connection, WsProtocol.ClientMessage request, String runId, long after) {
        AgentRun run = findRun(connection, request, runId);
        if (run == null) {
            return;
        }
        String topic = WsProtocol.RUN_TOPIC_PREFIX + run.id();
        boolean finished = run.status().finished();
        long last = run.log().lastSequence();
        if (after > last && !finished) {
            connection.send(WsProtocol.error(request.id(), "invalid_field", "Invalid \"after\" " + after + ": it is"
                    + " ahead of the run's last event, " + last + "; send the sequence number of the last event"
                    + " received, or 0"));
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("runId", run.id());
        fields.put("topic", topic);
        fields.put("after", after);
        fields.put("lastSequence", last);
        if (finished && after >= last) {
            // Nothing follows the terminal event, so there is nothing to watch.
            fields.put("complete", true);
            connection.send(WsProtocol.ack(request, fields));
            return;
        }
        if (connection.watchCount() >= MAX_WATCHES_PER_CONNECTION) {
            connection.send(tooManyWatches(request));
            return;
        }
        fields.put("complete", false);
        connection.send(WsProtocol.ack(request, fields));
        connection.watch(topic, run.id(), feed(connection, run, after));
    }

    private EventFeed feed(WebSocketConnection connection, AgentRun run, long after) {
        return EventFeed.open(run.log(), after, settings.backpressure(), clock, new EventFeed.Listener() {
            @Override
            public void onAvailable() {
                connection.wake();
            }

            @Override
            public void onDropped(long count) {
                eventsDropped.increment(count);
            }

            @Override
            public void onDisconnected() {
                overflows.increment();
                connection.close(StatusCode.TRY_AGAIN_LATER, "Too far behind on run " + run.id()
                        + "; reconnect and resume");
            }
        });
    }

    private AgentRun findRun(WebSocketConnection connection, WsProtocol.ClientMessage request, String runId) {
        AgentRun run = registry.find(runId).orElse(null);
        if (run == null) {
            connection.send(WsProtocol.error(request.id(), "run_not_found", "No run has id '" + runId
                    + "'; it never existed or was removed after its retention time"));
        }
        return run;
    }

    private static String tooManyWatches(WsProtocol.ClientMessage request) {
        return WsProtocol.error(request.id(), "too_many_subscriptions", "This connection already watches "
                + MAX_WATCHES_PER_CONNECTION + " runs, the limit; unsubscribe from one first");
    }

    /** The servlet at {@link #PATH}: it upgrades requests to WebSocket connections. */
    private final class Servlet extends JettyWebSocketServlet {

        @Override
        protected void configure(JettyWebSocketServletFactory factory) {
            factory.setMaxTextMessageSize(settings.wsMaxMessageBytes());
            factory.setMaxBinaryMessageSize(settings.wsMaxMessageBytes());
            // The writer pings and times out dead peers itself; Jetty's idle timeout is a backstop above both.
            factory.setIdleTimeout(settings.wsPingInterval().plus(settings.wsPongTimeout())
                    .plus(settings.writeTimeout()));
            factory.setCreator((request, response) -> new WebSocketConnection("ws_" + ids.incrementAndGet(),
                    RunRequest.ANONYMOUS, WebSocketHub.this, settings));
        }

        // A request without an upgrade gets 426, with the error body of the HTTP API.
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setStatus(426);
            response.setHeader("Upgrade", "websocket");
            response.setContentType("application/json");
            String body = "{\"error\":{\"code\":\"upgrade_required\",\"message\":\"" + PATH + " is a WebSocket"
                    + " endpoint; connect with a WebSocket client (Upgrade: websocket)\",\"status\":426}}";
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
    }
}
