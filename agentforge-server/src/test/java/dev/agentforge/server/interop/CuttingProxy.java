package dev.agentforge.server.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of a test server that a test can sever: {@link #severAll()} closes
 * every open connection on both sides at once, as a network failure would, while new connections
 * still go through. It can also serve one HTML page itself, so that a browser loads it from the
 * proxy's origin and its {@code EventSource} requests go through the proxy without CORS.
 */
public final class CuttingProxy implements AutoCloseable {

    private static final int MAX_HEAD_BYTES = 16 * 1024;

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Long> acceptNanos = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile String pagePath;
    private volatile String pageHtml;

    private CuttingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("cutting-proxy-accept").start(this::acceptLoop);
    }

    /** Starts a proxy on a free loopback port that forwards to {@code 127.0.0.1:targetPort}. */
    public static CuttingProxy start(int targetPort) throws IOException {
        return new CuttingProxy(targetPort);
    }

    /** Returns the proxy's base URL, such as {@code http://127.0.0.1:40123}. */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /**
     * Serves {@code GET} requests whose path starts with {@code path} with this page, and closes
     * the connection after it, instead of forwarding them.
     */
    public void servePage(String path, String html) {
        this.pageHtml = html;
        this.pagePath = path;
    }

    /**
     * Resets every open connection, client and server side, with a TCP RST as a network failure
     * would. Returns how many sockets it closed.
     */
    public int severAll() {
        int closed = 0;
        for (Socket socket : open) {
            try {
                socket.setSoLinger(true, 0);
            } catch (IOException e) {
                // The socket is already closed.
            }
            closeQuietly(socket);
            closed++;
        }
        open.clear();
        return closed;
    }

    /** Returns the number of connections accepted so far, page requests included. */
    public int accepted() {
        return acceptNanos.size();
    }

    /** Returns the {@link System#nanoTime()} of each accepted connection, in order. */
    public List<Long> acceptTimesNanos() {
        return List.copyOf(acceptNanos);
    }

    @Override
    public void close() {
        closeQuietly(server);
        severAll();
        acceptor.interrupt();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                acceptNanos.add(System.nanoTime());
                Thread.ofVirtual().name("cutting-proxy-connection").start(() -> handle(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        open.add(client);
        try {
            byte[] head = readHead(client.getInputStream());
            String path = pagePath;
            if (path != null && startsWith(head, "GET " + path)) {
                servePage(client);
                return;
            }
            Socket upstream = new Socket();
            open.add(upstream);
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 10_000);
            upstream.getOutputStream().write(head);
            upstream.getOutputStream().flush();
            Thread.ofVirtual().name("cutting-proxy-upstream").start(() -> pipe(upstream, client));
            pipe(client, upstream);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    // Reads at least the request line and headers, so the page decision can be made; any body bytes
    // read along with them are forwarded too.
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (head.size() < MAX_HEAD_BYTES) {
            int read = in.read(buffer);
            if (read < 0) {
                break;
            }
            head.write(buffer, 0, read);
            if (head.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                break;
            }
        }
        return head.toByteArray();
    }

    private static boolean startsWith(byte[] head, String prefix) {
        return new String(head, StandardCharsets.ISO_8859_1).startsWith(prefix);
    }

    private void servePage(Socket client) throws IOException {
        byte[] body = pageHtml.getBytes(StandardCharsets.UTF_8);
        String headers = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(headers.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        open.remove(client);
        closeQuietly(client);
    }

    private void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) != -1) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // A severed or closed socket ends the pipe; the other direction ends with it below.
        } finally {
            open.remove(from);
            open.remove(to);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing a socket that is already broken may fail, which changes nothing here.
        }
    }
}
