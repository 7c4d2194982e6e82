package dev.agentforge.server.transport;

import dev.agentforge.transport.SseEvent;
import dev.agentforge.transport.SseParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An SSE client on a plain socket to 127.0.0.1, for tests that need control of the socket: a small
 * receive buffer, a reader that stops and resumes, or an abrupt close. It sends HTTP/1.0, so the
 * server streams the body without chunked encoding and ends it by closing the connection.
 */
public final class RawSseClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final String head;
    private final List<SseEvent> events = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
    private final CountDownLatch ended = new CountDownLatch(1);

    private RawSseClient(Socket socket, InputStream in, String head) {
        this.socket = socket;
        this.in = in;
        this.head = head;
    }

    /**
     * Connects and reads the response head, without reading the body yet.
     *
     * @param receiveBuffer the socket's SO_RCVBUF in bytes, or 0 for the default
     */
    public static RawSseClient connect(int port, String path, String lastEventId, int receiveBuffer)
            throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        socket.setSoTimeout(30_000);
        String request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return new RawSseClient(socket, in, head.toString(StandardCharsets.ISO_8859_1));
    }

    /** The status line and headers. */
    public String head() {
        return head;
    }

    /** Starts a virtual thread that reads and parses the body until the server closes it. */
    public RawSseClient startReading() {
        Thread.ofVirtual().name("test-raw-sse").start(() -> {
            SseParser parser = new SseParser(events::add);
            byte[] buffer = new byte[8192];
            try {
                int read;
                while ((read = in.read(buffer)) != -1) {
                    synchronized (raw) {
                        raw.write(buffer, 0, read);
                    }
                    parser.feed(buffer, 0, read);
                }
                parser.end();
            } catch (IOException e) {
                // The test closed the socket, or the server reset it; both end the read.
            } finally {
                ended.countDown();
            }
        });
        return this;
    }

    /** The events parsed so far. */
    public List<SseEvent> events() {
        return events;
    }

    /** The body text received so far. */
    public String raw() {
        synchronized (raw) {
            return raw.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits until the server ends the body; returns false on timeout. */
    public boolean awaitEnd(long seconds) throws InterruptedException {
        return ended.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
