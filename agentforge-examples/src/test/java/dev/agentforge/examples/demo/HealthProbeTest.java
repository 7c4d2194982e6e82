package dev.agentforge.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthProbeTest {

    @TempDir
    static Path auditDir;

    private static DemoService.Handle demo;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @BeforeAll
    static void startDemo() {
        demo = DemoService.start(Map.of("PORT", "0", "AGENTFORGE_AUDIT_DIR", auditDir.toString()));
    }

    @AfterAll
    static void stopDemo() {
        if (demo != null) {
            demo.stop();
        }
    }

    @Test
    void exitsZeroWhenTheDemoIsLive() {
        int status = probe(Map.of(), demo.url() + HealthProbe.DEFAULT_PATH);

        assertThat(status).isZero();
        assertThat(line()).startsWith("HEALTHY ").contains("200");
    }

    @Test
    void defaultUrlFollowsPort() {
        int status = probe(Map.of("PORT", Integer.toString(demo.port())));

        assertThat(status).isZero();
        assertThat(line()).contains("http://127.0.0.1:" + demo.port() + "/health/live");
    }

    @Test
    void exitsOneOnClosedPort() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        int status = probe(Map.of("PORT", Integer.toString(closedPort)));

        assertThat(status).isEqualTo(1);
        assertThat(line()).startsWith("UNHEALTHY http://127.0.0.1:" + closedPort + "/health/live");
    }

    @Test
    void exitsOneOnAnswerOtherThan200() {
        int status = probe(Map.of(), demo.url() + "/no-such-path");

        assertThat(status).isEqualTo(1);
        assertThat(line()).startsWith("UNHEALTHY ").contains("404");
    }

    @Test
    void exitsOneOnBadInput() {
        assertThat(probe(Map.of("PORT", "eighty"))).isEqualTo(1);
        assertThat(probe(Map.of("PORT", "0"))).isEqualTo(1);
        assertThat(probe(Map.of(), "ftp://127.0.0.1/health/live")).isEqualTo(1);
        assertThat(probe(Map.of(), "a", "b")).isEqualTo(1);
        assertThat(output.toString(StandardCharsets.UTF_8).lines()).hasSize(4).allMatch(
                line -> line.startsWith("UNHEALTHY "));
    }

    private int probe(Map<String, String> env, String... args) {
        return HealthProbe.run(args, env, new PrintStream(output, true, StandardCharsets.UTF_8));
    }

    private String line() {
        assertThat(output.toString(StandardCharsets.UTF_8).lines()).as("one line").hasSize(1);
        return output.toString(StandardCharsets.UTF_8).strip();
    }
}
