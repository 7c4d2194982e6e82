package dev.agentforge.resource.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A JDK HTTP server on 127.0.0.1 and a free port. Handlers run on virtual threads, and {@link #close()}
 * releases handlers that wait on {@link #release()} before it stops the server.
 */
final class LocalHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch released = new CountDownLatch(1);

    LocalHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.start();
    }

    /** Responds to requests to {@code path} with {@code status} and an empty body. */
    LocalHttpServer respond(String path, int status) {
        return handle(path, exchange -> {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
    }

    /** Accepts requests to {@code path} and sends no response until the server closes. */
    LocalHttpServer hang(String path) {
        return handle(path, exchange -> {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
    }

    LocalHttpServer handle(String path, HttpHandler handler) {
        server.createContext(path, handler);
        return this;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Lets hanging handlers finish. */
    void release() {
        released.countDown();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.close();
    }
}
