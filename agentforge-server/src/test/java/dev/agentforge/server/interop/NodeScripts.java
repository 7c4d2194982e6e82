package dev.agentforge.server.interop;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the JavaScript interop scripts of src/test/js with the system's Node.js. The scripts and
 * their pinned packages are copied to target/interop-js and installed there with {@code npm ci},
 * which is skipped while the installed package-lock.json matches. Without Node.js or npm the tests
 * are skipped with advice on installing them, except under {@code CI=true}, where they fail.
 */
final class NodeScripts {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final String INSTALL_ADVICE = "install Node.js 20 or newer with npm, for example with"
            + " 'apt-get install -y nodejs npm'";

    private static Path installed;

    private NodeScripts() {
    }

    /** Skips the calling test, or fails it under CI=true, with this reason. */
    static void skipOrFail(String reason) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(reason + " (CI=true, so this fails instead of being skipped)");
        }
        Assumptions.abort(reason);
    }

    /** Returns the directory with the installed scripts, installing them on the first call. */
    static synchronized Path install() throws IOException, InterruptedException {
        if (installed != null) {
            return installed;
        }
        String node = onPath("node");
        String npm = onPath("npm");
        if (node == null || npm == null) {
            skipOrFail("The interop tests need Node.js and npm on the PATH, and " + (node == null ? "node" : "npm")
                    + " is missing; " + INSTALL_ADVICE);
        }

        Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        Path source = module.resolve("src/test/js");
        Path target = module.resolve("target/interop-js");
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, target.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }

        String lockHash = sha256(Files.readAllBytes(target.resolve("package-lock.json")));
        Path stamp = target.resolve("node_modules/.agentforge-lock-sha256");
        if (!Files.exists(stamp) || !Files.readString(stamp).equals(lockHash)) {
            Result result = run(target, INSTALL_TIMEOUT, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error");
            if (result.exitCode() != 0) {
                skipOrFail("'npm ci' in " + target + " failed with exit code " + result.exitCode()
                        + ", so the pinned packages of src/test/js/package-lock.json are not installed; it needs the"
                        + " npm registry. Output:\n" + result.output());
            }
            Files.writeString(stamp, lockHash);
        }
        installed = target;
        return installed;
    }

    /** Starts a script of src/test/js with these arguments. */
    static ScriptProcess start(String script, String... arguments) throws IOException, InterruptedException {
        Path directory = install();
        List<String> command = new ArrayList<>();
        command.add(onPath("node"));
        command.add(script);
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectError(directory.resolve(script + ".stderr.log").toFile())
                .start();
        return new ScriptProcess(script, process, directory.resolve(script + ".stderr.log"));
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(Path directory, Duration timeout, String... command)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = process.inputReader(StandardCharsets.UTF_8)) {
                in.lines().forEach(line -> output.append(line).append('\n'));
            } catch (IOException e) {
                output.append("(reading the output failed: ").append(e).append(")\n");
            }
        });
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out after " + timeout + "\n" + output);
        }
        reader.join(Duration.ofSeconds(10));
        return new Result(process.exitValue(), output.toString());
    }

    private static String onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String directory : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(directory, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A running script whose standard output is one JSON object per line. */
    static final class ScriptProcess implements AutoCloseable {
        private final String script;
        private final Process process;
        private final Path stderr;
        private final BlockingQueue<JsonNode> pending = new LinkedBlockingQueue<>();
        private final List<JsonNode> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final List<String> unparsed = new java.util.concurrent.CopyOnWriteArrayList<>();

        private ScriptProcess(String script, Process process, Path stderr) {
            this.script = script;
            this.process = process;
            this.stderr = stderr;
            Thread.ofVirtual().name("node-" + script).start(this::readLines);
        }

        private void readLines() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    try {
                        JsonNode node = JSON.readTree(line);
                        lines.add(node);
                        pending.add(node);
                    } catch (RuntimeException e) {
                        unparsed.add(line);
                    }
                }
            } catch (IOException e) {
                unparsed.add("(reading the output failed: " + e + ")");
            }
        }

        /** Waits for the next output line that matches, and returns it; fails after the timeout. */
        JsonNode await(Predicate<JsonNode> condition, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = end - System.nanoTime();
                JsonNode line = left <= 0 ? null : pending.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail(script + " printed no matching line within " + timeout + "; " + diagnostics());
                }
                if (condition.test(line)) {
                    return line;
                }
            }
        }

        /** Waits for the script to exit and returns its exit code; fails after the timeout. */
        int waitFor(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail(script + " did not exit within " + timeout + "; " + diagnostics());
            }
            return process.exitValue();
        }

        /** Returns every JSON line printed so far. */
        List<JsonNode> lines() {
            return List.copyOf(lines);
        }

        /** Returns the script's output and error output, for failure messages. */
        String diagnostics() {
            String errors;
            try {
                errors = Files.exists(stderr) ? Files.readString(stderr) : "";
            } catch (IOException e) {
                errors = "(reading " + stderr + " failed: " + e + ")";
            }
            return "output lines: " + lines + ", lines that are not JSON: " + unparsed + ", error output: " + errors;
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
