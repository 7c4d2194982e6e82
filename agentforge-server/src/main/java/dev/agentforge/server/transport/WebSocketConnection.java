package dev.agentforge.server.transport;

import dev.agentforge.stream.StreamItem;
import dev.agentforge.transport.EventFeed;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /v1/ws} connection. Jetty calls its listener methods, and its own virtual thread writes:
 * control messages (acks, errors, the {@code runs} feed) from a bounded queue, then the items of each
 * run it watches, from one {@link EventFeed} per run, taking turns between runs. Each feed reads its
 * backlog from the run's log at the writer's pace and then queues live events in a bounded queue, so a
 * slow client holds back only itself. A queue that overflows closes the connection with 1013.
 *
 * <p>The writer pings the client every ping interval and drops the connection when no pong arrives
 * within the pong timeout, or when a send makes no progress within the write timeout.
 */
public final class WebSocketConnection implements Session.Listener.AutoDemanding {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketConnection.class);

    /** RFC 6455 limits a close reason to 123 bytes of UTF-8. */
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private record Close(int code, String reason) {
    }

    /** A run the connection watches: its topic and the feed of its items. */
    record Watch(String topic, String runId, EventFeed feed) {
    }

    private final String id;
    private final String principal;
    private final WebSocketHub hub;
    private final TransportSettings settings;
    private final Object lock = new Object();
    private final ArrayDeque<String> control = new ArrayDeque<>();
    private final Map<String, Watch> watches = new LinkedHashMap<>();
    private final Semaphore wakeups = new Semaphore(0);
    private final AtomicReference<Close> closeRequest = new AtomicReference<>();
    private final AtomicBoolean cleanedUp = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Session session;
    private volatile long lastPongNanos;
    private int nextWatch;

    WebSocketConnection(String id, String principal, WebSocketHub hub, TransportSettings settings) {
        this.id = id;
        this.principal = principal;
        this.hub = hub;
        this.settings = settings;
    }

    /** The server's id of this connection, {@code ws_<n>}. */
    public String id() {
        return id;
    }

    /** The principal the connection acts for. */
    public String principal() {
        return principal;
    }

    /** The client's address, or null before the connection opened. */
    public SocketAddress remoteAddress() {
        Session current = session;
        return current == null ? null : current.getRemoteSocketAddress();
    }

    /** Whether the connection is open and no close was requested. */
    public boolean open() {
        Session current = session;
        return current != null && current.isOpen() && closeRequest.get() == null;
    }

    /** The topics this connection receives, {@code run:<id>} and {@code runs}. */
    public List<String> topics() {
        List<String> topics = new ArrayList<>();
        synchronized (lock) {
            topics.addAll(watches.keySet());
        }
        if (hub.watchesRuns(this)) {
            topics.add(WsProtocol.RUNS_TOPIC);
        }
        return topics;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        this.lastPongNanos = System.nanoTime();
        session.setMaxTextMessageSize(settings.wsMaxMessageBytes());
        if (!hub.admit(this)) {
            close(StatusCode.TRY_AGAIN_LATER, "Too many WebSocket connections (limit " + settings.wsMaxConnections()
                    + "); try again later");
            return;
        }
        Thread.ofVirtual().name("agentforge-ws-" + id).start(this::writeLoop);
        hub.listener(listener -> listener.onOpen(this));
    }

    @Override
    public void onWebSocketText(String message) {
        hub.handle(this, message);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        protocolViolation("Binary messages are not supported; send JSON text messages");
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        lastPongNanos = System.nanoTime();
    }

    @Override
    public void onWebSocketError(Throwable error) {
        LOG.info("WebSocket connection {} failed: {}", id, error.toString());
        hub.listener(listener -> listener.onError(this, error));
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        LOG.debug("WebSocket connection {} closed with {} {}", id, statusCode, reason);
        cleanUp();
        hub.listener(listener -> listener.onClose(this, statusCode, reason));
    }

    /** Queues a control message. Returns false, and closes the connection with 1013, when the queue is full. */
    boolean send(String message) {
        synchronized (lock) {
            if (closeRequest.get() != null) {
                return false;
            }
            if (control.size() >= settings.wsMaxQueuedMessages()) {
                control.clear();
            } else {
                control.add(message);
                message = null;
            }
        }
        if (message != null) {
            hub.overflowed(this);
            close(StatusCode.TRY_AGAIN_LATER, "More than " + settings.wsMaxQueuedMessages()
                    + " messages wait for this client; read faster");
            return false;
        }
        wakeups.release();
        return true;
    }

    /** Starts sending a run's items under its topic, in place of an earlier watch of the same run. */
    void watch(String topic, String runId, EventFeed feed) {
        Watch previous;
        synchronized (lock) {
            previous = watches.put(topic, new Watch(topic, runId, feed));
        }
        if (previous != null) {
            previous.feed().close();
        }
        wakeups.release();
    }

    /** Stops sending a run's items. Returns whether the connection watched the topic. */
    boolean unwatch(String topic) {
        Watch removed;
        synchronized (lock) {
            removed = watches.remove(topic);
        }
        if (removed != null) {
            removed.feed().close();
        }
        return removed != null;
    }

    /** The number of runs this connection watches. */
    int watchCount() {
        synchronized (lock) {
            return watches.size();
        }
    }

    /** Wakes the writer, such as after a live item was queued. */
    void wake() {
        wakeups.release();
    }

    /** Sends an error, then closes the connection with 1008. */
    void protocolViolation(String message) {
        protocolViolation(null, message);
    }

    /** Sends an error that carries the message's request id, if it had one, then closes with 1008. */
    void protocolViolation(String requestId, String message) {
        LOG.info("WebSocket connection {} sent an invalid message: {}", id, message);
        send(WsProtocol.error(requestId, "invalid_message", message));
        close(StatusCode.POLICY_VIOLATION, message);
    }

    /**
     * Closes the connection with an RFC 6455 status code and a reason, after the messages already
     * queued. Only the first call counts.
     */
    public void close(int code, String reason) {
        if (!closeRequest.compareAndSet(null, new Close(code, truncate(reason)))) {
            return;
        }
        LOG.info("Closing WebSocket connection {} with {}: {}", id, code, reason);
        Session current = session;
        if (current != null && !cleanedUp.get() && hub.isAdmitted(this)) {
            // The writer sends the close frame after the queued messages.
            wakeups.release();
        } else if (current != null) {
            current.close(code, truncate(reason), Callback.NOOP);
        }
    }

    private void writeLoop() {
        long pingInterval = settings.wsPingInterval().toNanos();
        long pongTimeout = settings.wsPongTimeout().toNanos();
        long lastPing = System.nanoTime();
        boolean pingOutstanding = false;
        try {
            while (!cleanedUp.get()) {
                String frame = nextFrame();
                if (frame != null) {
                    sendText(frame);
                    continue;
                }
                Close close = closeRequest.get();
                if (close != null) {
                    finishClose(close);
                    return;
                }
                long now = System.nanoTime();
                if (pingOutstanding && lastPongNanos - lastPing >= 0) {
                    pingOutstanding = false;
                }
                if (pingOutstanding && now - lastPing >= pongTimeout) {
                    LOG.info("WebSocket connection {} sent no pong within {} ms; dropping it", id,
                            settings.wsPongTimeout().toMillis());
                    hub.pongTimedOut(this);
                    session.disconnect();
                    return;
                }
                if (!pingOutstanding && now - lastPing >= pingInterval) {
                    lastPing = System.nanoTime();
                    pingOutstanding = true;
                    sendPing();
                    continue;
                }
                long wait = pingOutstanding ? lastPing + pongTimeout - now : lastPing + pingInterval - now;
                if (wakeups.tryAcquire(Math.max(1, wait), TimeUnit.NANOSECONDS)) {
                    wakeups.drainPermits();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.info("WebSocket connection {} made no write progress within {} ms; dropping it", id,
                    settings.writeTimeout().toMillis());
            hub.writeTimedOut(this);
            session.disconnect();
        } catch (ExecutionException e) {
            LOG.debug("WebSocket connection {} failed to send: {}", id, e.getCause().toString());
        } finally {
            closeFeeds();
        }
    }

    // Control messages first, then one item per watched run in turn. Runs on the writer thread only,
    // which is the only thread that polls the feeds.
    private String nextFrame() {
        synchronized (lock) {
            String message = control.poll();
            if (message != null) {
                return message;
            }
            if (closeRequest.get() != null) {
                return null;
            }
        }
        List<Watch> current;
        synchronized (lock) {
            current = new ArrayList<>(watches.values());
        }
        int count = current.size();
        for (int i = 0; i < count; i++) {
            Watch watch = current.get((nextWatch + i) % count);
            StreamItem item = watch.feed().poll();
            if (item == null) {
                if (watch.feed().finished()) {
                    removeWatch(watch);
                }
                continue;
            }
            nextWatch = (nextWatch + i + 1) % count;
            if (item.terminal()) {
                removeWatch(watch);
            }
            return switch (item) {
                case StreamItem.Event event -> WsProtocol.event(watch.topic(), event.event());
                case dev.agentforge.stream.StreamNotice notice -> WsProtocol.notice(watch.topic(), notice);
            };
        }
        return null;
    }

    private void removeWatch(Watch watch) {
        synchronized (lock) {
            watches.remove(watch.topic(), watch);
        }
        watch.feed().close();
    }

    private void sendText(String text) throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        session.sendText(text, Callback.from(() -> sent.complete(null), sent::completeExceptionally));
        sent.get(settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sendPing() throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        session.sendPing(ByteBuffer.wrap(id.getBytes(StandardCharsets.US_ASCII)),
                Callback.from(() -> sent.complete(null), sent::completeExceptionally));
        sent.get(settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    // Sends the close frame and waits for the client's, dropping the connection after the write timeout.
    private void finishClose(Close close) throws InterruptedException {
        session.close(close.code(), close.reason(), Callback.NOOP);
        if (!closed.await(settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.info("WebSocket connection {} did not complete the close handshake within {} ms; dropping it", id,
                    settings.writeTimeout().toMillis());
            session.disconnect();
        }
    }

    private void cleanUp() {
        if (!cleanedUp.compareAndSet(false, true)) {
            return;
        }
        closed.countDown();
        wakeups.release();
        closeFeeds();
        hub.remove(this);
    }

    private void closeFeeds() {
        List<Watch> all;
        synchronized (lock) {
            all = new ArrayList<>(watches.values());
            watches.clear();
            control.clear();
        }
        all.forEach(watch -> watch.feed().close());
    }

    // Cuts a reason to RFC 6455's 123 bytes, at a char boundary.
    static String truncate(String reason) {
        if (reason == null) {
            return null;
        }
        String text = reason;
        while (text.getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON_BYTES) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }
}
