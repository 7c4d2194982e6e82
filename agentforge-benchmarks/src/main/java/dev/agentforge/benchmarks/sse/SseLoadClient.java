package dev.agentforge.benchmarks.sse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the SSE load test, run in its own process: opens {@code --clients} SSE streams of
 * one run on 127.0.0.1 over non-blocking sockets, all served by one selector thread, and measures the
 * delivery latency of each event: the time the client read it minus the event's {@code timestamp}.
 * Both processes read the same system clock, so the latency is exact up to the clock's resolution.
 *
 * <p>After every stream is open and {@code --warmup-seconds} have passed, it counts for
 * {@code --duration-seconds} only the events whose timestamp falls in that window, then prints the
 * events per second and the latency percentiles, closes every connection and exits.
 *
 * <pre>
 * java -cp agentforge-benchmarks/target/benchmarks.jar dev.agentforge.benchmarks.sse.SseLoadClient \
 *     --port 8080 --run run_... --clients 1000 --duration-seconds 30
 * </pre>
 */
public final class SseLoadClient {

    private static final byte[] TIMESTAMP_FIELD = "\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);

    private SseLoadClient() {
    }

    public static void main(String[] args) throws IOException {
        Options options = Options.parse(args);
        new Load(options).run();
    }

    /** One load test: the connections, the selector and the counters. */
    private static final class Load {
        private final Options options;
        private final LatencyHistogram histogram = new LatencyHistogram();
        private final List<Connection> connections = new ArrayList<>();
        private final byte[] request;
        private long windowStartMicros = Long.MAX_VALUE;
        private long windowEndMicros = Long.MAX_VALUE;
        private long eventsBeforeWindow;
        private long failedConnections;
        private long closedByServer;
        private int streamsOpen;

        Load(Options options) {
            this.options = options;
            this.request = ("GET /v1/runs/" + options.runId + "/events HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + options.port + "\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        void run() throws IOException {
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", options.port);
            long startNanos = System.nanoTime();
            long openDeadline = startNanos + TimeUnit.SECONDS.toNanos(options.connectTimeoutSeconds);
            long endNanos = Long.MAX_VALUE;
            long periodNanos = TimeUnit.SECONDS.toNanos(1) / options.connectRate;
            int opened = 0;
            ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
            try (Selector selector = Selector.open()) {
                while (System.nanoTime() < endNanos) {
                    long now = System.nanoTime();
                    // Opens connections at the connect rate, so the server's accept queue does not overflow.
                    while (opened < options.clients && now - startNanos >= opened * periodNanos) {
                        open(selector, server);
                        opened++;
                    }
                    if (endNanos == Long.MAX_VALUE && (streamsOpen + failedConnections >= options.clients
                            || now > openDeadline)) {
                        long windowStartNanos = now + TimeUnit.SECONDS.toNanos(options.warmupSeconds);
                        endNanos = windowStartNanos + TimeUnit.SECONDS.toNanos(options.durationSeconds)
                                + TimeUnit.SECONDS.toNanos(1);
                        windowStartMicros = nowMicros() + TimeUnit.SECONDS.toMicros(options.warmupSeconds);
                        windowEndMicros = windowStartMicros + TimeUnit.SECONDS.toMicros(options.durationSeconds);
                        System.out.printf("open streams=%d failed=%d after %d ms; measuring for %d s after %d s"
                                + " of warm-up%n", streamsOpen, failedConnections,
                                TimeUnit.NANOSECONDS.toMillis(now - startNanos), options.durationSeconds,
                                options.warmupSeconds);
                    }
                    selector.select(5);
                    for (SelectionKey key : selector.selectedKeys()) {
                        handle(key, buffer);
                    }
                    selector.selectedKeys().clear();
                }
                for (Connection connection : connections) {
                    connection.channel.close();
                }
            }
            print();
        }

        private void open(Selector selector, InetSocketAddress server) throws IOException {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Connection connection = new Connection(channel);
            connections.add(connection);
            try {
                if (channel.connect(server)) {
                    channel.register(selector, SelectionKey.OP_WRITE, connection);
                } else {
                    channel.register(selector, SelectionKey.OP_CONNECT, connection);
                }
            } catch (IOException e) {
                fail(connection, e);
            }
        }

        private void handle(SelectionKey key, ByteBuffer buffer) {
            Connection connection = (Connection) key.attachment();
            try {
                if (key.isConnectable()) {
                    connection.channel.finishConnect();
                    key.interestOps(SelectionKey.OP_WRITE);
                } else if (key.isWritable()) {
                    connection.written += connection.channel.write(ByteBuffer.wrap(request, connection.written,
                            request.length - connection.written));
                    if (connection.written == request.length) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                } else if (key.isReadable()) {
                    read(key, connection, buffer);
                }
            } catch (IOException e) {
                key.cancel();
                fail(connection, e);
            }
        }

        private void read(SelectionKey key, Connection connection, ByteBuffer buffer) throws IOException {
            buffer.clear();
            int count = connection.channel.read(buffer);
            if (count < 0) {
                key.cancel();
                connection.channel.close();
                closedByServer++;
                if (connection.streaming) {
                    streamsOpen--;
                }
                return;
            }
            long receivedMicros = nowMicros();
            buffer.flip();
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (!connection.streaming) {
                    readHeader(connection, b);
                } else if (connection.chunked) {
                    readChunked(connection, b, receivedMicros);
                } else {
                    readBody(connection, b, receivedMicros);
                }
            }
        }

        private void readHeader(Connection connection, byte b) throws IOException {
            connection.line.append((char) b);
            int length = connection.line.length();
            if (length < 4 || !connection.line.substring(length - 4).equals("\r\n\r\n")) {
                return;
            }
            String header = connection.line.toString();
            connection.line.setLength(0);
            if (!header.startsWith("HTTP/1.1 200")) {
                throw new IOException("The server responded with " + header.lines().findFirst().orElse("")
                        + " instead of 200 OK");
            }
            connection.chunked = header.toLowerCase().contains("transfer-encoding: chunked");
            connection.streaming = true;
            streamsOpen++;
        }

        // Decodes HTTP/1.1 chunked encoding byte by byte: a hex size line, that many body bytes, CRLF.
        private void readChunked(Connection connection, byte b, long receivedMicros) throws IOException {
            if (connection.chunkRemaining > 0) {
                readBody(connection, b, receivedMicros);
                connection.chunkRemaining--;
                return;
            }
            if (b != '\n') {
                if (b != '\r') {
                    connection.chunkSizeLine.append((char) b);
                }
                return;
            }
            String sizeLine = connection.chunkSizeLine.toString();
            connection.chunkSizeLine.setLength(0);
            if (sizeLine.isEmpty()) {
                return;
            }
            int semicolon = sizeLine.indexOf(';');
            String hex = semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon);
            try {
                connection.chunkRemaining = Long.parseLong(hex.trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("Invalid chunk size line: " + sizeLine, e);
            }
        }

        private void readBody(Connection connection, byte b, long receivedMicros) {
            if (b != '\n') {
                connection.append(b);
                return;
            }
            if (connection.startsWithData()) {
                long timestampMicros = connection.timestampMicros();
                if (timestampMicros >= windowStartMicros && timestampMicros < windowEndMicros) {
                    histogram.record(receivedMicros - timestampMicros);
                } else if (timestampMicros >= 0 && timestampMicros < windowStartMicros) {
                    eventsBeforeWindow++;
                }
            }
            connection.length = 0;
        }

        private void fail(Connection connection, IOException e) {
            if (connection.streaming) {
                streamsOpen--;
            }
            connection.streaming = false;
            failedConnections++;
            if (failedConnections <= 5) {
                System.out.println("Connection failed: " + e);
            }
            try {
                connection.channel.close();
            } catch (IOException closeFailure) {
                e.addSuppressed(closeFailure);
            }
        }

        private void print() {
            double seconds = options.durationSeconds;
            System.out.printf("clients=%d streamsOpenAtEnd=%d failedConnections=%d closedByServer=%d%n",
                    options.clients, streamsOpen, failedConnections, closedByServer);
            System.out.printf("window=%ds events=%d eventsPerSecond=%.0f eventsBeforeWindow=%d%n",
                    options.durationSeconds, histogram.count(), histogram.count() / seconds, eventsBeforeWindow);
            System.out.printf("latencyMillis p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f%n",
                    histogram.percentileMillis(50), histogram.percentileMillis(90), histogram.percentileMillis(99),
                    histogram.percentileMillis(99.9), histogram.maxMillis());
        }

        private static long nowMicros() {
            Instant now = Instant.now();
            return TimeUnit.SECONDS.toMicros(now.getEpochSecond()) + now.getNano() / 1000;
        }
    }

    /** The state of one SSE connection: the header or body line it is reading and its chunk position. */
    private static final class Connection {
        final SocketChannel channel;
        final StringBuilder line = new StringBuilder();
        final StringBuilder chunkSizeLine = new StringBuilder();
        byte[] body = new byte[512];
        int length;
        int written;
        boolean streaming;
        boolean chunked;
        long chunkRemaining;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        void append(byte b) {
            if (length == body.length) {
                body = java.util.Arrays.copyOf(body, body.length * 2);
            }
            body[length++] = b;
        }

        boolean startsWithData() {
            return length > 6 && body[0] == 'd' && body[1] == 'a' && body[2] == 't' && body[3] == 'a'
                    && body[4] == ':';
        }

        // Returns the event's timestamp in microseconds since the epoch, or -1 if the line has none.
        long timestampMicros() {
            int start = indexOf(TIMESTAMP_FIELD);
            if (start < 0) {
                return -1;
            }
            start += TIMESTAMP_FIELD.length;
            int end = start;
            while (end < length && body[end] != '"') {
                end++;
            }
            try {
                Instant timestamp = Instant.parse(new String(body, start, end - start, StandardCharsets.US_ASCII));
                return TimeUnit.SECONDS.toMicros(timestamp.getEpochSecond()) + timestamp.getNano() / 1000;
            } catch (DateTimeParseException e) {
                return -1;
            }
        }

        private int indexOf(byte[] pattern) {
            outer:
            for (int i = 0; i + pattern.length <= length; i++) {
                for (int j = 0; j < pattern.length; j++) {
                    if (body[i + j] != pattern[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }

    private record Options(int port, String runId, int clients, int durationSeconds, int warmupSeconds,
            int connectRate, int connectTimeoutSeconds) {

        static Options parse(String[] args) {
            int port = -1;
            String runId = null;
            int clients = 100;
            int durationSeconds = 30;
            int warmupSeconds = 5;
            int connectRate = 2000;
            int connectTimeoutSeconds = 60;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = Args.intValue(args, ++i, 1, 65_535);
                    case "--run" -> {
                        if (++i >= args.length || !args[i].matches("[A-Za-z0-9_-]+")) {
                            throw new IllegalArgumentException("--run needs a run id of letters, digits, _ and -");
                        }
                        runId = args[i];
                    }
                    case "--clients" -> clients = Args.intValue(args, ++i, 1, 50_000);
                    case "--duration-seconds" -> durationSeconds = Args.intValue(args, ++i, 1, 600);
                    case "--warmup-seconds" -> warmupSeconds = Args.intValue(args, ++i, 0, 600);
                    case "--connect-rate" -> connectRate = Args.intValue(args, ++i, 1, 100_000);
                    case "--connect-timeout-seconds" -> connectTimeoutSeconds = Args.intValue(args, ++i, 1, 600);
                    default -> throw new IllegalArgumentException("Unknown option " + args[i] + ". The options are"
                            + " --port N and --run RUN_ID (both required; the host is always 127.0.0.1),"
                            + " --clients N, --duration-seconds N (at most 600), --warmup-seconds N,"
                            + " --connect-rate CONNECTIONS_PER_SECOND, --connect-timeout-seconds N");
                }
            }
            if (port < 0 || runId == null) {
                throw new IllegalArgumentException("Missing --port or --run: pass the port and the run id that"
                        + " SseLoadServer prints on its READY line");
            }
            return new Options(port, runId, clients, durationSeconds, warmupSeconds, connectRate,
                    connectTimeoutSeconds);
        }
    }
}
