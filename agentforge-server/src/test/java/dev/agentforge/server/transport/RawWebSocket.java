package dev.agentforge.server.transport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client on a plain socket to 127.0.0.1 that does the RFC 6455 handshake by hand and then
 * does only what the test calls: it never sends a pong, reads frames only after {@link #startReading},
 * and can have a small receive buffer. It stands for a dead or stuck peer, which browser and JDK
 * clients cannot imitate because they answer pings on their own.
 */
final class RawWebSocket implements AutoCloseable {

    private static final String HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** One frame received from the server; text frames keep their payload as a string. */
    record Frame(int opcode, byte[] payload) {
        static final int TEXT = 0x1;
        static final int CLOSE = 0x8;
        static final int PING = 0x9;

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** Returns the status code of a close frame, or 1005 when it has none. */
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile IOException endedBy;

    private RawWebSocket(Socket socket, DataInputStream in) {
        this.socket = socket;
        this.in = in;
    }

    /**
     * Connects, sends the upgrade request, and checks the server's {@code 101} response.
     *
     * @param receiveBuffer the socket's SO_RCVBUF in bytes, or 0 for the default
     */
    static RawWebSocket connect(int port, String path, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        socket.setSoTimeout(60_000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("The server did not upgrade the connection: " + head);
        }
        String expectedAccept = accept(key);
        if (!head.toLowerCase().contains("sec-websocket-accept: " + expectedAccept.toLowerCase())) {
            socket.close();
            throw new IOException("The server's Sec-WebSocket-Accept is not " + expectedAccept + ": " + head);
        }
        return new RawWebSocket(socket, in);
    }

    /** Sends one masked text frame, as RFC 6455 requires of a client. */
    synchronized void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | Frame.TEXT);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            throw new IllegalArgumentException("This test client sends text frames of less than 64 KiB");
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        OutputStream out = socket.getOutputStream();
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Starts a virtual thread that reads frames until the connection ends. It sends no pong and no close. */
    RawWebSocket startReading() {
        Thread.ofVirtual().name("test-raw-websocket").start(() -> {
            try {
                while (true) {
                    frames.add(readFrame());
                }
            } catch (IOException e) {
                endedBy = e;
            } finally {
                ended.countDown();
            }
        });
        return this;
    }

    /** Waits until the server ends the connection (EOF or reset); returns false on timeout. */
    boolean awaitEnd(long seconds) throws InterruptedException {
        return ended.await(seconds, TimeUnit.SECONDS);
    }

    /** Returns the frames read so far, in order. */
    List<Frame> frames() {
        return List.copyOf(frames);
    }

    /** Returns what ended the reading: an EOFException for a clean end of stream, or the socket error. */
    IOException endedBy() {
        return endedBy;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // Reads one unmasked server frame; fragmented messages do not occur for the small test messages.
    private Frame readFrame() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if (length > 16 * 1024 * 1024) {
            throw new IOException("Frame of " + length + " bytes is larger than this test client reads");
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0f, payload);
    }

    private static String readHead(DataInputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("The connection ended inside the response head: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + HANDSHAKE_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
