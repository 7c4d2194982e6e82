package dev.agentforge.tool.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentforge.progress.CancellationToken;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolCall;
import dev.agentforge.tool.ToolException;
import dev.agentforge.tool.ToolExecutor;
import dev.agentforge.tool.ToolOutcome;
import dev.agentforge.tool.ToolRegistry;
import dev.agentforge.tool.ToolSettings;
import dev.agentforge.tool.testing.ManualTime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs real {@code sh} processes; the waits are upper bounds for process start-up and signal delivery. */
class ProcessRunnerTest {

    private static final Duration PROCESS_WAIT = Duration.ofSeconds(20);

    // A background grandchild that outlives its parent shell, whose pid the shell prints first.
    private static final String ORPHAN_THEN_EXIT = "sleep 300 & echo $!; exit %d";

    private final List<Long> started = new ArrayList<>();

    @BeforeEach
    void requireProcGroupSupport() {
        assumeTrue(ProcessRunner.setsidAvailable(), "setsid from util-linux is not installed");
        assumeTrue(Files.isDirectory(Path.of("/proc")), "these tests read /proc to see zombie processes");
    }

    @AfterEach
    void killLeftovers() {
        // Only the processes these tests started, by pid, in case an assertion failed before their cancel.
        started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void cancelKillsGrandchildAfterParentExited() throws Exception {
        CancellationToken token = CancellationToken.create();
        ToolProcess process = ProcessRunner.builder("sh", "-c", ORPHAN_THEN_EXIT.formatted(0))
                .gracePeriod(Duration.ofSeconds(2)).build().start(token);
        long grandchild = firstLineAsPid(process);

        assertThat(process.waitFor()).isZero();
        assertThat(running(grandchild)).isTrue();
        assertThat(process.processGroup()).hasValue(process.pid());
        assertThat(groupOf(grandchild)).isEqualTo(process.pid());

        token.cancel("the run was cancelled");

        await().atMost(PROCESS_WAIT).until(() -> !running(grandchild));
        process.destroyTree().get(PROCESS_WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(process.isAlive()).isFalse();
    }

    @Test
    void cancelKillsGrandchildAfterParentFailed() throws Exception {
        CancellationToken token = CancellationToken.create();
        ToolProcess process = ProcessRunner.builder("sh", "-c", ORPHAN_THEN_EXIT.formatted(3))
                .gracePeriod(Duration.ofSeconds(2)).build().start(token);
        long grandchild = firstLineAsPid(process);

        assertThat(process.waitFor()).isEqualTo(3);
        assertThat(running(grandchild)).isTrue();

        token.cancel("the run was cancelled");

        await().atMost(PROCESS_WAIT).until(() -> !running(grandchild));
    }

    @Test
    void runLeavesNoProcessBehind() throws Exception {
        ProcessResult result = ProcessRunner.builder("sh", "-c", ORPHAN_THEN_EXIT.formatted(3))
                .gracePeriod(Duration.ofSeconds(2)).build().run(CancellationToken.create());
        long grandchild = Long.parseLong(result.stdout().trim());
        started.add(grandchild);

        assertThat(result.exitCode()).isEqualTo(3);
        await().atMost(PROCESS_WAIT).until(() -> !running(grandchild));
    }

    @Test
    void runReturnsOutputAndExitCode() throws Exception {
        ProcessResult result = ProcessRunner.builder("sh", "-c", "echo out; echo err >&2; exit 0").build()
                .run(CancellationToken.create());

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.stdoutTruncated()).isFalse();
    }

    @Test
    void outputBeyondLimitIsTruncated() throws Exception {
        ProcessResult result = ProcessRunner.builder("sh", "-c", "printf 0123456789").maxOutputBytes(4).build()
                .run(CancellationToken.create());

        assertThat(result.stdout()).isEqualTo("0123");
        assertThat(result.stdoutTruncated()).isTrue();
    }

    @Test
    void timeoutKillsWholeTree() throws Exception {
        Path pidFile = Files.createTempFile("grandchild", ".pid");
        ProcessRunner runner = ProcessRunner.builder("sh", "-c", "sleep 300 & echo $! > \"$0\"; sleep 300",
                        pidFile.toString())
                .timeout(Duration.ofMillis(300)).gracePeriod(Duration.ofSeconds(2)).build();

        assertThatThrownBy(() -> runner.run(CancellationToken.create()))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("timed out after 300ms");
        long grandchild = Long.parseLong(Files.readString(pidFile).trim());
        started.add(grandchild);
        await().atMost(PROCESS_WAIT).until(() -> !running(grandchild));
    }

    @Test
    void processIgnoringSigtermGetsSigkill() throws Exception {
        CancellationToken token = CancellationToken.create();
        ToolProcess process = ProcessRunner.builder("sh", "-c", "trap '' TERM; echo $$; while :; do sleep 1; done")
                .gracePeriod(Duration.ofMillis(200)).build().start(token);
        long shell = firstLineAsPid(process);

        token.cancel("stop");

        await().atMost(PROCESS_WAIT).until(() -> !running(shell));
        assertThat(process.destroyTree()).succeedsWithin(PROCESS_WAIT);
    }

    @Test
    void executorTimeoutReachesProcessTree() throws Exception {
        ManualTime time = new ManualTime();
        Path pidFile = Files.createTempFile("grandchild", ".pid");
        Tool shell = Tool.builder("shell").description("Runs a shell command that never ends")
                .handler((arguments, context) -> ProcessRunner.builder("sh", "-c",
                                "sleep 300 & echo $! > \"$0\"; wait", pidFile.toString())
                        .gracePeriod(Duration.ofSeconds(2)).build().run(context).stdout())
                .build();
        try (ToolExecutor executor = ToolExecutor.builder(ToolRegistry.of(shell)).clock(time).scheduler(time)
                .defaultSettings(ToolSettings.builder().timeout(Duration.ofSeconds(5)).build()).build()) {
            CompletableFuture<ToolOutcome> outcome = CompletableFuture.supplyAsync(
                    () -> executor.execute(new ToolCall("c1", "shell", "{}"), "run_1", "anonymous"),
                    command -> Thread.ofVirtual().start(command));
            await().atMost(PROCESS_WAIT).until(() -> !Files.readString(pidFile).isBlank());
            long grandchild = Long.parseLong(Files.readString(pidFile).trim());
            started.add(grandchild);

            time.advance(Duration.ofSeconds(5));

            assertThat(outcome.get(PROCESS_WAIT.toSeconds(), TimeUnit.SECONDS).error()).contains("timed out after 5s");
            await().atMost(PROCESS_WAIT).until(() -> !running(grandchild));
        }
    }

    private long firstLineAsPid(ToolProcess process) throws Exception {
        started.add(process.pid());
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.process().getInputStream(),
                StandardCharsets.UTF_8));
        long pid = Long.parseLong(reader.readLine().trim());
        started.add(pid);
        return pid;
    }

    /** Whether the process exists and is not a zombie; a killed orphan may stay a zombie until init reaps it. */
    private static boolean running(long pid) {
        ProcessGroups.ProcStat stat = ProcessGroups.ProcStat.read(Path.of("/proc", Long.toString(pid), "stat"));
        return stat != null && stat.running();
    }

    private static long groupOf(long pid) {
        return ProcessGroups.ProcStat.read(Path.of("/proc", Long.toString(pid), "stat")).groupId();
    }
}
