package dev.agentforge.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The readiness contributors of a service. The service is ready when every contributor is ready,
 * and a registry with no contributors is ready.
 *
 * <p>Thread-safe: contributors may be registered, removed and checked from any thread. A check
 * reads a snapshot of the contributors, sorted by name, and calls each one on the calling thread.
 *
 * <p>NOTE: a contributor that blocks delays the whole check, because no timeout is applied.
 */
public final class ReadinessRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ReadinessRegistry.class);

    private final Map<String, ReadinessContributor> contributors = new ConcurrentSkipListMap<>();

    // The last failure logged per contributor, so a probe that fails the same way every few seconds
    // logs once until it recovers or fails differently.
    private final Map<String, String> lastLoggedFailure = new ConcurrentHashMap<>();

    /**
     * The outcome of a readiness check.
     *
     * @param ready whether every contributor is ready
     * @param statuses the status of each contributor, sorted by name
     */
    public record Report(boolean ready, List<ReadinessContributor.Status> statuses) {

        public Report {
            statuses = List.copyOf(statuses);
        }
    }

    /**
     * Registers a contributor under a name.
     *
     * @throws IllegalArgumentException if the name is blank or already registered
     */
    public void register(String name, ReadinessContributor contributor) {
        Objects.requireNonNull(contributor, "contributor");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A readiness contributor needs a non-blank name, got '" + name + "'");
        }
        ReadinessContributor previous = contributors.putIfAbsent(name, contributor);
        if (previous != null) {
            throw new IllegalArgumentException("A readiness contributor named '" + name
                    + "' is already registered; unregister it first or choose another name");
        }
    }

    /** Removes the contributor with this name; returns whether one was registered. */
    public boolean unregister(String name) {
        lastLoggedFailure.remove(name);
        return contributors.remove(name) != null;
    }

    /** Returns the names of the registered contributors, sorted. */
    public List<String> names() {
        return List.copyOf(contributors.keySet());
    }

    /**
     * Calls every contributor. A contributor that throws or returns null counts as not ready, with
     * the exception message or a note as its reason. The status of each carries its registered name.
     */
    public Report check() {
        List<ReadinessContributor.Status> statuses = new ArrayList<>();
        boolean ready = true;
        for (Map.Entry<String, ReadinessContributor> entry : contributors.entrySet()) {
            ReadinessContributor.Status status = checkOne(entry.getKey(), entry.getValue());
            statuses.add(status);
            ready &= status.ready();
        }
        return new Report(ready, statuses);
    }

    private ReadinessContributor.Status checkOne(String name, ReadinessContributor contributor) {
        try {
            ReadinessContributor.Status status = contributor.check();
            if (status == null) {
                return ReadinessContributor.Status.notReady(name, "the readiness check returned no status");
            }
            lastLoggedFailure.remove(name);
            return status.withName(name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ReadinessContributor.Status.notReady(name, "the readiness check was interrupted");
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            if (!message.equals(lastLoggedFailure.put(name, message))) {
                LOG.warn("Readiness check '{}' failed; it counts as not ready until it passes", name, e);
            }
            return ReadinessContributor.Status.notReady(name, message);
        }
    }
}
