package dev.agentforge.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link DemoService#main} in a child JVM, as {@code java -jar} does, and checks what an
 * operator reads: the output lines and the exit status.
 */
class DemoProcessTest {

    private static final long WAIT_SECONDS = 60;

    @Test
    void portInUseExitsWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());

            Result result = runToExit(Map.of("PORT", port));

            assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
            assertThat(result.errorLine()).contains("PORT=" + port).contains("already in use").contains("set PORT");
            assertNoStackTrace(result);
        }
    }

    @Test
    void unresolvableHostExitsWithOneLine() throws Exception {
        Result result = runToExit(Map.of("PORT", "0", "AGENTFORGE_HOST", "[::1"));

        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.errorLine()).contains("AGENTFORGE_HOST '[::1'");
        assertNoStackTrace(result);
    }

    @Test
    void invalidDatabaseUrlExitsWithOneLine() throws Exception {
        Result result = runToExit(Map.of("PORT", "0", "AGENTFORGE_DATABASE_URL", "foo"));

        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.errorLine()).contains("AGENTFORGE_DATABASE_URL 'foo'").contains("jdbc:postgresql://");
        assertNoStackTrace(result);
    }

    @Test
    void unreachableDatabaseExitsWithOneLine() throws Exception {
        Result result = runToExit(Map.of("PORT", "0",
                "AGENTFORGE_DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/none?password=very-secret"));

        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.errorLine()).contains("AGENTFORGE_DATABASE_URL=jdbc:postgresql://127.0.0.1:1/none");
        assertThat(result.output()).doesNotContain("very-secret");
        assertNoStackTrace(result);
    }

    @Test
    void sigtermStopsWithoutWarning() throws Exception {
        Process process = start(Map.of("PORT", "0"));
        List<String> lines = new ArrayList<>();
        CountDownLatch serving = new CountDownLatch(1);
        Thread reader = Thread.ofVirtual().name("test-demo-output").start(() -> readLines(process, lines, serving));

        assertThat(serving.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("a 'serving on' line in %s", lines).isTrue();
        // ProcessHandle.destroy sends SIGTERM and, unlike Process.destroy, leaves the output stream open.
        assertThat(process.toHandle().destroy()).isTrue();
        boolean exited = process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        reader.join();

        String output = String.join("\n", snapshot(lines));
        assertThat(exited).as(output).isTrue();
        assertThat(output).contains("AgentForge demo stopped");
        assertThat(output).doesNotContain(" WARN ").doesNotContain(" ERROR ");
    }

    /**
     * The output and exit status of a child JVM.
     *
     * @param exitCode the exit status
     * @param lines the lines of stdout and stderr, merged
     */
    private record Result(int exitCode, List<String> lines) {

        String output() {
            return String.join("\n", lines);
        }

        // The one ERROR line of the demo's logger.
        String errorLine() {
            List<String> errors = lines.stream().filter(line -> line.contains(" ERROR ")
                    && line.contains("DemoService")).toList();
            assertThat(errors).as("ERROR lines of DemoService in:%n%s", output()).hasSize(1);
            return errors.getFirst();
        }
    }

    private static void assertNoStackTrace(Result result) {
        assertThat(result.lines()).as(result.output())
                .noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by:")
                        || line.startsWith("Exception in thread"));
        // NOTE: for a port in use, Javalin 7.2.3 also logs "Failed to start Javalin" at ERROR on its
        // own logger; the demo's logback.xml decides whether that line shows.
        assertThat(result.lines()).as(result.output())
                .filteredOn(line -> line.contains(" ERROR ") || line.contains(" WARN "))
                .allMatch(line -> line.contains("DemoService") || line.contains("Failed to start Javalin"));
    }

    private static Result runToExit(Map<String, String> env) throws Exception {
        Process process = start(env);
        List<String> lines = new ArrayList<>();
        Thread reader = Thread.ofVirtual().name("test-demo-output")
                .start(() -> readLines(process, lines, new CountDownLatch(1)));
        boolean exited = process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        reader.join();
        assertThat(exited).as("the demo exited within %d s; output:%n%s", WAIT_SECONDS, String.join("\n",
                snapshot(lines))).isTrue();
        return new Result(process.exitValue(), snapshot(lines));
    }

    // Starts the demo's main class with this test's classpath, and only the given variables set.
    private static Process start(Map<String, String> env) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                DemoService.class.getName()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("AGENTFORGE_") || name.equals("PORT")
                || name.startsWith("OPENAI_") || name.startsWith("ANTHROPIC_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    private static void readLines(Process process, List<String> lines, CountDownLatch serving) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                }
                if (line.contains("AgentForge demo serving on")) {
                    serving.countDown();
                }
            }
        } catch (IOException e) {
            synchronized (lines) {
                lines.add("(reading the output failed: " + e + ")");
            }
        }
    }

    private static List<String> snapshot(List<String> lines) {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }
}
