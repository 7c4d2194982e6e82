package dev.agentforge.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Sends raw HTTP/1.1 bytes over a socket, for requests that HTTP clients will not send: a
 * Content-Length without its body, or a chunked body that never ends.
 */
final class RawHttp {

    private static final int READ_TIMEOUT_MILLIS = 20_000;

    private RawHttp() {
    }

    /**
     * Writes the request to 127.0.0.1 and returns the response text up to the end of the JSON
     * body, or whatever arrived before the server closed the connection.
     */
    static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return readResponse(socket.getInputStream());
        }
    }

    // Reads until the response's JSON body closes, because the connection may stay open.
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            int read;
            while ((read = in.read(buffer)) != -1) {
                out.write(buffer, 0, read);
                String text = out.toString(StandardCharsets.UTF_8);
                int bodyStart = text.indexOf("\r\n\r\n");
                if (bodyStart >= 0 && text.substring(bodyStart).strip().endsWith("}}")) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("No complete response within " + READ_TIMEOUT_MILLIS + " ms; received: "
                    + out.toString(StandardCharsets.UTF_8), e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
