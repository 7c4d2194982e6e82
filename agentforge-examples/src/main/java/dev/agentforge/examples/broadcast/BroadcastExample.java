package dev.agentforge.examples.broadcast;

import dev.agentforge.agent.Agent;
import dev.agentforge.client.AgentForgeWebSocketClient;
import dev.agentforge.event.EventCodec;
import dev.agentforge.server.AgentServer;
import dev.agentforge.server.transport.TransportSettings;
import dev.agentforge.stream.BackpressurePolicy;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.JsonNode;

/**
 * Many watchers of one run through its {@code run:<id>} topic on {@code /v1/ws}, and one of them
 * stuck: it stops reading, like a browser tab that froze. The run streams 1500 tokens of 16 KiB at the
 * pace of the slowest healthy watcher. The stuck watcher's socket buffers fill, its queue on the server
 * falls more than 200 events behind, and the server closes it with 1013 while every healthy watcher
 * receives every event. When the stuck watcher reads again, it gets what was already on its way and
 * then the close.
 */
public final class BroadcastExample {

    static final int TOKENS = 1500;
    static final int HEALTHY_WATCHERS = 4;
    static final String TOKEN_TEXT = "b".repeat(16 * 1024);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private BroadcastExample() {
    }

    /** The events one watcher received and how its connection closed. */
    public record WatcherReport(String name, int events, long lastSequence, boolean gapless, Integer closeCode,
            String closeReason) {
    }

    /** The run's last sequence number and every watcher's report, the stuck one last. */
    public record Result(String runId, long lastSequence, List<WatcherReport> watchers) {
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Starts a server on 127.0.0.1, watches one run with five watchers, prints each report, and returns them. */
    public static Result run(PrintStream out) throws Exception {
        PacedModel model = new PacedModel(TOKENS, TOKEN_TEXT);
        // A subscriber more than 200 events behind is disconnected. The long write timeout keeps the
        // server's last send to the stuck watcher waiting, so that the 1013 close reaches it later.
        BackpressurePolicy policy = BackpressurePolicy.defaults().withBuffer(64, 512 * 1024).withMaxLag(200, null);
        TransportSettings transport = TransportSettings.defaults().withBackpressure(policy)
                .withWriteTimeout(Duration.ofSeconds(120));
        Agent agent = Agent.builder().model(model).modelName("paced").build();
        AgentServer server = AgentServer.create(agent).port(0).transport(transport).start();
        List<Watcher> watchers = new ArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        try (AgentForgeWebSocketClient client = AgentForgeWebSocketClient.create(URI.create(server.url()))) {
            String runId = client.startRun("Stream the long report");
            out.println("Started run " + runId + " over " + client.webSocketUri());
            Pacer pacer = new Pacer(model, HEALTHY_WATCHERS);
            for (int i = 0; i < HEALTHY_WATCHERS; i++) {
                watchers.add(Watcher.subscribe(http, client.webSocketUri(), runId, "watcher " + (i + 1), pacer, i));
            }
            Watcher stuck = Watcher.subscribe(http, client.webSocketUri(), runId, "stuck watcher", null, -1);
            watchers.add(stuck);
            for (Watcher watcher : watchers) {
                watcher.subscribed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }

            // Each healthy watcher has at most 4 tokens in its queue, so none is coalesced or dropped.
            model.release(4);
            for (Watcher watcher : watchers.subList(0, HEALTHY_WATCHERS)) {
                watcher.done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            long lastSequence = server.runRegistry().find(runId).orElseThrow().log().lastSequence();

            stuck.readAgain();
            stuck.closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            List<WatcherReport> reports = new ArrayList<>();
            for (Watcher watcher : watchers) {
                WatcherReport report = watcher.report();
                reports.add(report);
                out.println(report.name() + ": " + report.events() + " events, last sequence " + report.lastSequence()
                        + (report.gapless() ? ", no gap" : ", with gaps")
                        + (report.closeCode() == null ? "" : ", closed with " + report.closeCode() + " ("
                                + report.closeReason() + ")"));
            }
            out.println("The run's last sequence number: " + lastSequence);
            return new Result(runId, lastSequence, reports);
        } finally {
            // HttpClient.close() would wait for the watchers' open connections, so they are aborted first.
            watchers.forEach(watcher -> watcher.socket.abort());
            http.shutdownNow();
            server.stop();
        }
    }

    /**
     * A streaming model that sends each token only after {@link #release} allowed it, then completes with
     * a short summary, so that the run goes at the pace of its healthy watchers.
     */
    static final class PacedModel implements StreamingChatModel {
        private final int tokens;
        private final String text;
        private final Semaphore permits = new Semaphore(0);

        PacedModel(int tokens, String text) {
            this.tokens = tokens;
            this.text = text;
        }

        void release(int count) {
            permits.release(count);
        }

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            try {
                for (int i = 0; i < tokens; i++) {
                    permits.acquire();
                    handler.onPartialResponse(text);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handler.onError(e);
                return;
            }
            handler.onCompleteResponse(ChatResponse.builder()
                    .aiMessage(AiMessage.from("Streamed " + tokens + " tokens"))
                    .finishReason(FinishReason.STOP)
                    .build());
        }
    }

    /** Lets the model send one more token each time every healthy watcher has received one more. */
    static final class Pacer {
        private final PacedModel model;
        private final int[] tokens;
        private int released;

        Pacer(PacedModel model, int watchers) {
            this.model = model;
            this.tokens = new int[watchers];
        }

        synchronized void tokenReceived(int watcher) {
            tokens[watcher]++;
            int slowest = Integer.MAX_VALUE;
            for (int count : tokens) {
                slowest = Math.min(slowest, count);
            }
            if (slowest > released) {
                model.release(slowest - released);
                released = slowest;
            }
        }
    }

    /**
     * A JDK WebSocket client subscribed to the run's topic. Without a pacer it is the stuck watcher: it
     * requests no message after the ack of its subscribe until {@link #readAgain}.
     */
    static final class Watcher implements WebSocket.Listener {
        final CompletableFuture<Void> subscribed = new CompletableFuture<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final String name;
        private final Pacer pacer;
        private final int index;
        private final AtomicBoolean reading;
        private final StringBuilder partial = new StringBuilder();
        private int events;
        private long lastSequence;
        private boolean gapless = true;
        private Integer closeCode;
        private String closeReason;
        WebSocket socket;

        private Watcher(String name, Pacer pacer, int index) {
            this.name = name;
            this.pacer = pacer;
            this.index = index;
            this.reading = new AtomicBoolean(pacer != null);
        }

        static Watcher subscribe(HttpClient http, URI uri, String runId, String name, Pacer pacer, int index)
                throws Exception {
            Watcher watcher = new Watcher(name, pacer, index);
            watcher.socket = http.newWebSocketBuilder().buildAsync(uri, watcher).get(TIMEOUT.toSeconds(),
                    TimeUnit.SECONDS);
            watcher.socket.sendText("{\"type\":\"subscribe\",\"id\":\"s1\",\"topic\":\"run:" + runId + "\"}", true)
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return watcher;
        }

        void readAgain() {
            reading.set(true);
            socket.request(Long.MAX_VALUE);
        }

        synchronized WatcherReport report() {
            return new WatcherReport(name, events, lastSequence, gapless, closeCode, closeReason);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                handle(EventCodec.mapper().readTree(partial.toString()));
                partial.setLength(0);
            }
            // The stuck watcher reads on only until its subscribe is acknowledged.
            if (reading.get() || !subscribed.isDone()) {
                webSocket.request(1);
            }
            return null;
        }

        private void handle(JsonNode message) {
            String type = message.path("type").asString();
            if (type.equals("ack")) {
                subscribed.complete(null);
                return;
            }
            if (!type.equals("event")) {
                return;
            }
            long sequence = message.path("sequence").asLong();
            synchronized (this) {
                gapless &= sequence == lastSequence + 1;
                lastSequence = sequence;
                events++;
            }
            String eventType = message.path("event").path("type").asString();
            if (eventType.equals("token") && pacer != null) {
                pacer.tokenReceived(index);
            }
            if (eventType.equals("done")) {
                done.complete(null);
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            synchronized (this) {
                closeCode = statusCode;
                closeReason = reason;
            }
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            subscribed.completeExceptionally(error);
            done.completeExceptionally(error);
            closed.completeExceptionally(error);
        }
    }
}
