package dev.agentforge.tool;

import dev.agentforge.tool.internal.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The lifecycles of the tools of one executor: each {@link ToolLifecycle} is initialised once, checked
 * for health, and closed in the reverse order of initialisation. Thread-safe.
 *
 * <p>A tool registered directly is managed by the {@link ToolExecutor}. A tool wrapped in another tool,
 * such as a {@code ResilientTool} with a fallback, is managed through {@link #guard(Tool)}: the guard
 * initialises the tool on first use and throws a retryable {@link ToolUnavailableException} while it is
 * unhealthy, so the wrapper's fallback returns the result instead.
 */
public final class ToolLifecycles implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ToolLifecycles.class);

    /**
     * A change of a tool's health between healthy and unhealthy.
     *
     * @param name the tool's name
     * @param lifecycle the tool
     * @param health the new health
     */
    public record HealthChange(String name, ToolLifecycle lifecycle, ToolHealth health) {
    }

    private final ToolScheduler scheduler;
    private final Object lock = new Object();
    private final Map<ToolLifecycle, Managed> managed = new IdentityHashMap<>();
    private final List<Managed> initializationOrder = new ArrayList<>();
    private final List<Consumer<HealthChange>> listeners = new CopyOnWriteArrayList<>();
    private boolean closed;

    private static final class Managed {
        final String name;
        final ToolLifecycle lifecycle;
        boolean ready;
        CompletableFuture<Void> initializing;
        volatile ToolHealth health = ToolHealth.up();

        Managed(String name, ToolLifecycle lifecycle) {
            this.name = name;
            this.lifecycle = lifecycle;
        }
    }

    /** Creates lifecycles whose health check timeouts run on the system scheduler. */
    public ToolLifecycles() {
        this(ToolScheduler.system());
    }

    /** Creates lifecycles whose health check timeouts run on {@code scheduler}. */
    public ToolLifecycles(ToolScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** Adds a listener for changes between healthy and unhealthy. */
    public void addHealthListener(Consumer<HealthChange> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Initialises the tool unless it already is. When several threads call this at the same time, one
     * runs {@link ToolLifecycle#initialize()} and the others wait for it. A failed initialisation is not
     * remembered, so the next call tries again.
     *
     * @param name the tool's name, for messages
     * @throws ToolUnavailableException if initialisation failed, or these lifecycles are closed
     * @throws InterruptedException if the thread was interrupted while initialising or waiting
     */
    public void initialize(ToolLifecycle lifecycle, String name) throws ToolUnavailableException, InterruptedException {
        Managed entry;
        CompletableFuture<Void> initializing;
        boolean initializer = false;
        synchronized (lock) {
            if (closed) {
                throw new ToolUnavailableException("Tool '" + name + "' is unavailable because its executor is shut down.");
            }
            entry = managed.computeIfAbsent(lifecycle, key -> new Managed(name, key));
            if (entry.ready) {
                return;
            }
            if (entry.initializing == null) {
                entry.initializing = new CompletableFuture<>();
                initializer = true;
            }
            initializing = entry.initializing;
        }
        if (initializer) {
            runInitialize(entry, initializing);
            return;
        }
        try {
            initializing.get();
        } catch (ExecutionException e) {
            throw initializationFailed(name, e.getCause());
        }
    }

    private void runInitialize(Managed entry, CompletableFuture<Void> initializing)
            throws ToolUnavailableException, InterruptedException {
        try {
            entry.lifecycle.initialize();
        } catch (Exception e) {
            synchronized (lock) {
                entry.initializing = null;
            }
            initializing.completeExceptionally(e);
            if (e instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            LOG.warn("Tool {} failed to initialise; the next call tries again", entry.name, e);
            throw initializationFailed(entry.name, e);
        }
        boolean closedMeanwhile;
        synchronized (lock) {
            entry.initializing = null;
            closedMeanwhile = closed;
            if (!closedMeanwhile) {
                entry.ready = true;
                initializationOrder.add(entry);
            }
        }
        if (closedMeanwhile) {
            closeQuietly(entry);
            ToolUnavailableException unavailable = new ToolUnavailableException("Tool '" + entry.name
                    + "' is unavailable because its executor shut down while it was initialising.");
            initializing.completeExceptionally(unavailable);
            throw unavailable;
        }
        LOG.info("Tool {} initialised", entry.name);
        initializing.complete(null);
    }

    private static ToolUnavailableException initializationFailed(String name, Throwable cause) {
        if (cause instanceof ToolUnavailableException unavailable) {
            return unavailable;
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ToolUnavailableException("Tool '" + name + "' is temporarily unavailable: its initialisation failed ("
                + message + "). Continue without it, or call it again later.", cause);
    }

    /** Whether the tool has been initialised and not closed. */
    public boolean isInitialized(ToolLifecycle lifecycle) {
        synchronized (lock) {
            Managed entry = managed.get(lifecycle);
            return entry != null && entry.ready;
        }
    }

    /** The tool's health from its last check; healthy before the first check. */
    public ToolHealth health(ToolLifecycle lifecycle) {
        synchronized (lock) {
            Managed entry = managed.get(lifecycle);
            return entry == null ? ToolHealth.up() : entry.health;
        }
    }

    /** The names of the initialised tools, in the order they were initialised. */
    public List<String> initialized() {
        synchronized (lock) {
            return initializationOrder.stream().map(entry -> entry.name).toList();
        }
    }

    /**
     * Checks the health of every initialised tool, all at once, each on its own virtual thread. A check
     * that throws, or that runs longer than {@code timeout}, makes its tool unhealthy; a check that runs
     * too long is interrupted. Listeners hear of each change between healthy and unhealthy.
     *
     * @return the health of each checked tool, by name, in initialisation order
     * @throws InterruptedException if the calling thread is interrupted while it waits for the checks
     */
    public Map<String, ToolHealth> checkHealth(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        List<Managed> entries;
        synchronized (lock) {
            if (closed) {
                return Map.of();
            }
            entries = List.copyOf(initializationOrder);
        }
        List<CompletableFuture<ToolHealth>> checks = new ArrayList<>();
        for (Managed entry : entries) {
            checks.add(startCheck(entry, timeout));
        }
        Map<String, ToolHealth> results = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Managed entry = entries.get(i);
            ToolHealth health;
            try {
                health = checks.get(i).get();
            } catch (ExecutionException e) {
                health = ToolHealth.down("its health check failed: " + e.getCause());
            }
            results.put(entry.name, health);
            update(entry, health);
        }
        return results;
    }

    private CompletableFuture<ToolHealth> startCheck(Managed entry, Duration timeout) {
        CompletableFuture<ToolHealth> result = new CompletableFuture<>();
        Thread checker = Thread.ofVirtual().name("agentforge-health-" + entry.name).unstarted(() -> {
            try {
                ToolHealth health = entry.lifecycle.checkHealth();
                result.complete(health == null ? ToolHealth.down("its health check returned no result") : health);
            } catch (InterruptedException e) {
                result.complete(ToolHealth.down("its health check was interrupted"));
            } catch (Exception e) {
                String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                result.complete(ToolHealth.down(message));
            }
        });
        ToolScheduler.Cancellable timer = scheduler.schedule(timeout, () -> {
            if (result.complete(ToolHealth.down("its health check timed out after " + Durations.format(timeout)))) {
                checker.interrupt();
            }
        });
        result.whenComplete((health, failure) -> timer.cancel());
        checker.start();
        return result;
    }

    private void update(Managed entry, ToolHealth health) {
        ToolHealth previous = entry.health;
        entry.health = health;
        if (previous.healthy() == health.healthy()) {
            return;
        }
        if (health.healthy()) {
            LOG.info("Tool {} is healthy again", entry.name);
        } else {
            LOG.warn("Tool {} is unhealthy: {}", entry.name, health.detail());
        }
        HealthChange change = new HealthChange(entry.name, entry.lifecycle, health);
        for (Consumer<HealthChange> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                LOG.error("A health listener failed on the change of tool {}", entry.name, e);
            }
        }
    }

    /**
     * Returns a tool that runs {@code tool} after initialising it through these lifecycles, and that
     * throws a retryable {@link ToolUnavailableException} while it is unhealthy. Wrap the guard, not the
     * tool, in a {@code ResilientTool} with a fallback, so the fallback returns the result while the tool is down.
     *
     * @throws IllegalArgumentException if {@code tool} does not implement {@link ToolLifecycle}
     */
    public Tool guard(Tool tool) {
        if (!(tool instanceof ToolLifecycle lifecycle)) {
            throw new IllegalArgumentException("Tool '" + tool.name() + "' does not implement ToolLifecycle, so it has"
                    + " nothing to guard");
        }
        return new GuardedTool(tool, lifecycle);
    }

    /** Throws a {@link ToolUnavailableException} if the tool's last health check failed. */
    void requireHealthy(ToolLifecycle lifecycle, String name) throws ToolUnavailableException {
        ToolHealth health = health(lifecycle);
        if (!health.healthy()) {
            throw new ToolUnavailableException("Tool '" + name + "' is temporarily unavailable: " + health.detail()
                    + ". Continue without it, or call it again later.");
        }
    }

    /** Closes every initialised tool in the reverse order of initialisation; later initialisations are refused. */
    @Override
    public void close() {
        List<Managed> toClose;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(initializationOrder);
            initializationOrder.clear();
            toClose.forEach(entry -> entry.ready = false);
        }
        for (Managed entry : toClose.reversed()) {
            closeQuietly(entry);
        }
    }

    private static void closeQuietly(Managed entry) {
        try {
            entry.lifecycle.close();
            LOG.info("Tool {} closed", entry.name);
        } catch (Exception e) {
            LOG.error("Tool {} failed to close", entry.name, e);
        }
    }

    private final class GuardedTool implements Tool {
        private final Tool tool;
        private final ToolLifecycle lifecycle;

        GuardedTool(Tool tool, ToolLifecycle lifecycle) {
            this.tool = tool;
            this.lifecycle = lifecycle;
        }

        @Override
        public String name() {
            return tool.name();
        }

        @Override
        public String description() {
            return tool.description();
        }

        @Override
        public JsonNode parameters() {
            return tool.parameters();
        }

        @Override
        public Optional<ToolSettings> settings() {
            return tool.settings();
        }

        @Override
        public Object execute(JsonNode arguments, ToolContext context) throws Exception {
            initialize(lifecycle, tool.name());
            requireHealthy(lifecycle, tool.name());
            return tool.execute(arguments, context);
        }

        @Override
        public String toString() {
            return "GuardedTool[" + tool + "]";
        }
    }
}
