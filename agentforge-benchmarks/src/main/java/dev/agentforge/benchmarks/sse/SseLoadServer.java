package dev.agentforge.benchmarks.sse;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunDriver;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.event.EventCodec;
import dev.agentforge.event.Token;
import dev.agentforge.server.AgentServer;
import dev.agentforge.server.transport.TransportSettings;
import dev.agentforge.transport.InMemoryEventLog;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The server side of the SSE load test: an {@link AgentServer} on 127.0.0.1 with two runs that any
 * number of clients watch through {@code GET /v1/runs/{id}/events}.
 * <ul>
 *   <li>The broadcast run appends one {@code token} event every {@code 1/rate} seconds, padded so that
 *       the event's JSON, the SSE {@code data:} line, is {@code --payload-bytes} long.</li>
 *   <li>The idle run appends nothing until the server stops, for measuring the heap of idle streams.</li>
 * </ul>
 * It prints one line {@code READY port=<port> broadcastRun=<id> idleRun=<id>}, then every
 * {@code --report-seconds} the open streams and the used heap. With {@code --gc-report} it runs a full
 * GC before each report, so the heap it prints is the live heap. It stops by itself after
 * {@code --duration-seconds}.
 *
 * <pre>
 * java -cp agentforge-benchmarks/target/benchmarks.jar dev.agentforge.benchmarks.sse.SseLoadServer \
 *     --rate 10 --payload-bytes 200 --duration-seconds 120
 * </pre>
 */
public final class SseLoadServer {

    private static final String BROADCAST = "broadcast";
    private static final String IDLE = "idle";

    private SseLoadServer() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Instant deadline = Instant.now().plusSeconds(options.durationSeconds);
        Agent agent = Agent.builder()
                .producer(driver -> produce(driver, options, deadline))
                .modelName("sse-load")
                // A new watcher replays at most the last 16 events, so late joiners add no replay burst.
                .eventLogRetention(InMemoryEventLog.Retention.ofEvents(16))
                .build();
        TransportSettings transport = TransportSettings.defaults().withMaxStreamsPerPrincipal(options.maxStreams);
        try (AgentServer server = AgentServer.create(agent)
                .host("127.0.0.1")
                .port(options.port)
                .transport(transport)
                .start()) {
            AgentRun broadcast = server.runRegistry().start(agent, RunRequest.of(BROADCAST));
            AgentRun idle = server.runRegistry().start(agent, RunRequest.of(IDLE));
            System.out.printf("READY port=%d broadcastRun=%s idleRun=%s%n", server.port(), broadcast.id(), idle.id());
            System.out.flush();
            report(server, options, deadline);
            broadcast.cancel("the load server stopped");
            idle.cancel("the load server stopped");
        }
    }

    private static void produce(RunDriver driver, Options options, Instant deadline) throws InterruptedException {
        if (driver.request().input().equals(IDLE)) {
            sleepUntil(deadline);
            driver.complete("idle run ended");
            return;
        }
        String padding = paddingFor(driver.runId(), options.payloadBytes);
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / options.rate;
        long next = System.nanoTime();
        long count = 0;
        while (Instant.now().isBefore(deadline)) {
            next += periodNanos;
            LockSupport.parkNanos(next - System.nanoTime());
            if (Thread.interrupted()) {
                throw new InterruptedException("broadcast run cancelled");
            }
            count++;
            driver.token(padding);
        }
        driver.complete(count + " events sent");
    }

    // Sizes the token text so that the JSON of a token event with a 4-digit sequence number and a
    // nanosecond timestamp is the given number of bytes. Other sequence lengths change it by a few bytes,
    // and a timestamp whose nanoseconds end in zeros is shorter by up to 9 bytes.
    private static String paddingFor(String runId, int payloadBytes) {
        Token sample = new Token(runId, 1_000, Instant.parse("2026-01-01T00:00:00.123456789Z"), "");
        int overhead = EventCodec.toJson(sample).length();
        return "x".repeat(Math.max(1, payloadBytes - overhead));
    }

    private static void sleepUntil(Instant deadline) throws InterruptedException {
        long millis = Duration.between(Instant.now(), deadline).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static void report(AgentServer server, Options options, Instant deadline) throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long start = System.nanoTime();
        while (Instant.now().isBefore(deadline)) {
            Thread.sleep(Math.min(options.reportSeconds * 1000L,
                    Math.max(1, Duration.between(Instant.now(), deadline).toMillis())));
            if (options.gcReport) {
                System.gc();
            }
            long usedBytes = memory.getHeapMemoryUsage().getUsed();
            System.out.printf("t=%ds openStreams=%d heapUsedBytes=%d%s%n",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), server.openStreams(), usedBytes,
                    options.gcReport ? " (after full GC)" : "");
            System.out.flush();
        }
    }

    private record Options(int port, int rate, int payloadBytes, int durationSeconds, int reportSeconds,
            boolean gcReport, int maxStreams) {

        static Options parse(String[] args) {
            int port = 0;
            int rate = 10;
            int payloadBytes = 200;
            int durationSeconds = 120;
            int reportSeconds = 5;
            boolean gcReport = false;
            int maxStreams = 20_000;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = Args.intValue(args, ++i, 0, 65_535);
                    case "--rate" -> rate = Args.intValue(args, ++i, 1, 1000);
                    case "--payload-bytes" -> payloadBytes = Args.intValue(args, ++i, 150, 1_000_000);
                    case "--duration-seconds" -> durationSeconds = Args.intValue(args, ++i, 1, 3600);
                    case "--report-seconds" -> reportSeconds = Args.intValue(args, ++i, 1, 3600);
                    case "--gc-report" -> gcReport = true;
                    case "--max-streams" -> maxStreams = Args.intValue(args, ++i, 1, 1_000_000);
                    default -> throw new IllegalArgumentException("Unknown option " + args[i] + ". The options are"
                            + " --port N (0 picks a free port), --rate EVENTS_PER_SECOND, --payload-bytes N,"
                            + " --duration-seconds N (at most 3600), --report-seconds N, --gc-report,"
                            + " --max-streams N");
                }
            }
            return new Options(port, rate, payloadBytes, durationSeconds, reportSeconds, gcReport, maxStreams);
        }
    }
}
