package dev.agentforge.tool.process;

import dev.agentforge.progress.CancellationToken;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process started by {@link ProcessRunner#start}, with every process it starts. When it runs in a
 * process group of its own, {@link #destroyTree()} signals the whole group, which also reaches
 * grandchildren whose parent already exited; {@link ProcessHandle#descendants()} does not see those,
 * because they were re-parented away from the process.
 *
 * <p>Closing the handle, or cancelling the token it was started with, destroys the tree. Both are safe
 * after the process exited: they still reach what it left running in its group.
 */
public final class ToolProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ToolProcess.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    private final Process process;
    private final String command;
    private final long groupId;
    private final Duration gracePeriod;
    private final CancellationToken.Registration registration;
    private final Object lock = new Object();
    private CompletableFuture<Void> destroyed;

    ToolProcess(Process process, String command, boolean ownGroup, Duration gracePeriod, CancellationToken token) {
        this.process = process;
        this.command = command;
        // setsid makes the process the leader of a new session and group, so the group id is its pid.
        this.groupId = ownGroup ? process.pid() : -1;
        this.gracePeriod = gracePeriod;
        this.registration = token.onCancel(this::destroyTree);
    }

    /** The process, for its streams and exit code. */
    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    /** The id of the process group the command leads, or empty when it runs in the JVM's group. */
    public OptionalLong processGroup() {
        return groupId > 0 ? OptionalLong.of(groupId) : OptionalLong.empty();
    }

    /** Waits for the process itself to exit and returns its exit code; processes it left running are not waited for. */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** Whether the process or anything left in its group still runs. */
    public boolean isAlive() {
        return process.isAlive() || (groupId > 0 && ProcessGroups.isAlive(groupId));
    }

    /**
     * Stops the process and everything it started: SIGTERM first, SIGKILL to what still runs after the
     * grace period. Signals the group when the process has its own, else the process and the descendants
     * visible now. Returns at once. The future completes when nothing of the tree runs any more. If a
     * process survives SIGKILL, such as one in uninterruptible sleep, it completes one second after that.
     * Calling it again returns the same future.
     */
    public CompletableFuture<Void> destroyTree() {
        synchronized (lock) {
            if (destroyed != null) {
                return destroyed;
            }
            destroyed = new CompletableFuture<>();
        }
        CompletableFuture<Void> done = destroyed;
        Thread.ofVirtual().name("agentforge-process-kill-" + process.pid()).start(() -> {
            try {
                terminate();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private void terminate() {
        List<ProcessHandle> descendants = groupId > 0 ? List.of() : process.descendants().toList();
        if (!isAlive() && descendants.isEmpty()) {
            return;
        }
        if (groupId > 0) {
            ProcessGroups.signal(groupId, "TERM");
        }
        // The leader may not have called setsid() yet when the cancel comes right after the start.
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        if (awaitGone(gracePeriod, descendants)) {
            return;
        }
        LOG.warn("Command {} (pid {}) still runs {} after SIGTERM, so it gets SIGKILL", command, process.pid(), gracePeriod);
        if (groupId > 0) {
            ProcessGroups.signal(groupId, "KILL");
        }
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        if (!awaitGone(Duration.ofSeconds(1), descendants)) {
            LOG.error("Command {} (pid {}) still runs after SIGKILL", command, process.pid());
        }
    }

    private boolean awaitGone(Duration limit, List<ProcessHandle> descendants) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            boolean alive = isAlive() || descendants.stream().anyMatch(ProcessHandle::isAlive);
            if (!alive) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Destroys the tree, waits for it up to the grace period and two more seconds, and removes the
     * cancellation action.
     */
    @Override
    public void close() {
        registration.close();
        try {
            destroyTree().get(gracePeriod.toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Command {} (pid {}) was not confirmed stopped: {}", command, process.pid(), e.toString());
        }
    }

    @Override
    public String toString() {
        return "ToolProcess[" + command + ", pid " + process.pid() + "]";
    }
}
