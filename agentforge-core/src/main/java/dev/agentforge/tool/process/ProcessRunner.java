package dev.agentforge.tool.process;

import dev.agentforge.progress.CancellationToken;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import dev.agentforge.tool.internal.Durations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Starts external commands for tools so that cancellation reaches every process they start. Each command
 * runs in a new session and process group through {@code setsid} from util-linux, and a cancel of the
 * tool call's token, a timeout or {@link ToolProcess#close()} sends SIGTERM to the whole group, then
 * SIGKILL after the grace period. Without {@code setsid} on the {@code PATH} (macOS, for one), the
 * command runs in the JVM's group, and only the process and the descendants visible at the cancel are
 * signalled.
 *
 * <pre>{@code
 * ProcessRunner git = ProcessRunner.builder("git", "log", "--oneline", "-20")
 *         .directory(repository)
 *         .timeout(Duration.ofSeconds(30))
 *         .build();
 * ProcessResult result = git.run(context);   // context is the handler's ToolContext
 * }</pre>
 *
 * <p>NOTE: a process that calls {@code setsid} or {@code setpgid} itself leaves the group and is not
 * reached.
 */
public final class ProcessRunner {

    /** The wait between SIGTERM and SIGKILL unless the builder sets another. */
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(5);

    /** The bytes kept of each output stream unless the builder sets another. */
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

    private static final String SETSID = "setsid";

    private final List<String> command;
    private final Path directory;
    private final Map<String, String> environment;
    private final Duration timeout;
    private final Duration gracePeriod;
    private final int maxOutputBytes;
    private final boolean ownGroup;

    private ProcessRunner(Builder builder) {
        this.command = List.copyOf(builder.command);
        this.directory = builder.directory;
        this.environment = Map.copyOf(builder.environment);
        this.timeout = builder.timeout;
        this.gracePeriod = builder.gracePeriod;
        this.maxOutputBytes = builder.maxOutputBytes;
        this.ownGroup = builder.ownGroup && setsidAvailable();
    }

    /** Starts a runner of the command, given as the program and its arguments; no shell parses it. */
    public static Builder builder(String... command) {
        return builder(List.of(command));
    }

    /** Starts a runner of the command, given as the program and its arguments; no shell parses it. */
    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    /** Whether {@code setsid} is on the {@code PATH}, so commands can get a process group of their own. */
    public static boolean setsidAvailable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String directory : path.split(java.io.File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, SETSID))) {
                return true;
            }
        }
        return false;
    }

    /** Whether commands of this runner get a process group of their own. */
    public boolean ownProcessGroup() {
        return ownGroup;
    }

    /**
     * Starts the command. Its process tree is destroyed when {@code cancellation} is cancelled or the
     * returned handle is closed; the caller reads the streams and closes the handle.
     */
    public ToolProcess start(CancellationToken cancellation) throws IOException {
        Objects.requireNonNull(cancellation, "cancellation");
        List<String> full = new ArrayList<>();
        if (ownGroup) {
            full.add(SETSID);
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new ToolProcess(process, String.join(" ", command), ownGroup, gracePeriod, cancellation);
    }

    /** Runs the command as {@link #run(CancellationToken)} does, with the tool call's token. */
    public ProcessResult run(ToolContext context) throws IOException, InterruptedException, ToolException {
        return run(context.cancellation());
    }

    /**
     * Runs the command to its exit and returns its output. Standard input is closed at once. When the
     * command exits, whatever it left running in its group is destroyed, so a call leaves no process
     * behind and the output streams reach their end.
     *
     * @throws ToolException retryable, if the command ran longer than the timeout; its tree is destroyed
     * @throws InterruptedException if the thread is interrupted or the token cancelled; the tree is destroyed
     * @throws IOException if the command cannot be started
     */
    public ProcessResult run(CancellationToken cancellation) throws IOException, InterruptedException, ToolException {
        long started = System.nanoTime();
        try (ToolProcess running = start(cancellation)) {
            Process process = running.process();
            process.getOutputStream().close();
            BoundedReader stdout = BoundedReader.start(process.getInputStream(), maxOutputBytes, "stdout");
            BoundedReader stderr = BoundedReader.start(process.getErrorStream(), maxOutputBytes, "stderr");
            boolean exited;
            try {
                exited = timeout == null ? waitForExit(process) : process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                running.destroyTree();
                throw e;
            }
            if (!exited) {
                running.destroyTree();
                throw new ToolException("The command '" + String.join(" ", command) + "' timed out after "
                        + Durations.format(timeout) + " and was stopped.", true, null);
            }
            if (cancellation.isCancelled()) {
                throw new InterruptedException("The command '" + String.join(" ", command) + "' was cancelled: "
                        + cancellation.reason());
            }
            Duration duration = Duration.ofNanos(System.nanoTime() - started);
            running.destroyTree();
            Duration readLimit = gracePeriod.plusSeconds(2);
            return new ProcessResult(process.exitValue(), stdout.text(readLimit), stderr.text(readLimit),
                    stdout.truncated(), stderr.truncated(), duration);
        }
    }

    private static boolean waitForExit(Process process) throws InterruptedException {
        process.waitFor();
        return true;
    }

    /** Reads a stream to its end on a virtual thread, keeping the first bytes up to a limit. */
    private static final class BoundedReader {
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private final int limit;
        private final Thread thread;
        private volatile boolean truncated;

        private BoundedReader(InputStream stream, int limit, String name) {
            this.limit = limit;
            this.thread = Thread.ofVirtual().name("agentforge-process-" + name).unstarted(() -> drain(stream));
        }

        static BoundedReader start(InputStream stream, int limit, String name) {
            BoundedReader reader = new BoundedReader(stream, limit, name);
            reader.thread.start();
            return reader;
        }

        private void drain(InputStream stream) {
            byte[] buffer = new byte[8192];
            try (stream) {
                int read;
                while ((read = stream.read(buffer)) >= 0) {
                    synchronized (head) {
                        int room = limit - head.size();
                        if (read > room) {
                            truncated = true;
                        }
                        head.write(buffer, 0, Math.max(0, Math.min(room, read)));
                    }
                }
            } catch (IOException e) {
                // The stream closes when the process is destroyed; what was read so far is kept.
            }
        }

        String text(Duration limit) throws InterruptedException {
            thread.join(limit);
            synchronized (head) {
                return head.toString(StandardCharsets.UTF_8);
            }
        }

        boolean truncated() {
            return truncated;
        }
    }

    /** Builds a {@link ProcessRunner}. */
    public static final class Builder {
        private final List<String> command;
        private Path directory;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Duration timeout;
        private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
        private int maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES;
        private boolean ownGroup = true;

        private Builder(List<String> command) {
            if (command.isEmpty()) {
                throw new IllegalArgumentException("The command is empty; give the program and its arguments");
            }
            this.command = List.copyOf(command);
        }

        /** Sets the working directory; by default the JVM's. */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        /** Adds an environment variable to the JVM's environment, which the command inherits. */
        public Builder environment(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Sets how long {@link ProcessRunner#run} lets the command run; null, the default, for no limit. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Sets the wait between SIGTERM and SIGKILL. */
        public Builder gracePeriod(Duration gracePeriod) {
            this.gracePeriod = Objects.requireNonNull(gracePeriod, "gracePeriod");
            return this;
        }

        /** Sets the bytes kept of each output stream by {@link ProcessRunner#run}; the rest is read and dropped. */
        public Builder maxOutputBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("Invalid maxOutputBytes " + bytes + ": use 0 or more");
            }
            this.maxOutputBytes = bytes;
            return this;
        }

        /** Sets whether the command gets a process group of its own through {@code setsid}; on by default. */
        public Builder ownProcessGroup(boolean ownGroup) {
            this.ownGroup = ownGroup;
            return this;
        }

        public ProcessRunner build() {
            return new ProcessRunner(this);
        }
    }
}
