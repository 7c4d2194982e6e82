package dev.agentforge.monitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The readiness contributors of a service, as checks of a {@link HealthRegistry}. The service is
 * ready when every check is ready, and a registry with no checks is ready.
 *
 * <p>Each contributor becomes a {@link HealthCheck} through {@link HealthCheck#fromContributor(String,
 * ReadinessContributor)}, registered with {@link HealthRegistry.Policy#LOCAL}: no cache, and not
 * ready on the first failure, as contributors were before health checks existed. Checks registered
 * on {@link #health()} directly take part in {@link #check()} too.
 *
 * <p>Thread-safe: contributors may be registered, removed and checked from any thread. A check runs
 * every contributor in parallel on virtual threads and waits for each at most its timeout,
 * {@link HealthCheck#DEFAULT_TIMEOUT} unless registered with another.
 */
public final class ReadinessRegistry {

    private final HealthRegistry health;

    /**
     * The outcome of a readiness check.
     *
     * @param ready whether every check is ready and the service is not draining
     * @param statuses the status of each check, sorted by name
     */
    public record Report(boolean ready, List<ReadinessContributor.Status> statuses) {

        public Report {
            statuses = List.copyOf(statuses);
        }
    }

    /** Creates a registry on a new {@link HealthRegistry} with its defaults. */
    public ReadinessRegistry() {
        this(new HealthRegistry());
    }

    /** Creates a registry on this health registry, whose checks it reports. */
    public ReadinessRegistry(HealthRegistry health) {
        this.health = Objects.requireNonNull(health, "health");
    }

    /** Returns the health registry behind this registry, for checks with states, details and policies. */
    public HealthRegistry health() {
        return health;
    }

    /**
     * Registers a contributor under a name, waited for at most {@link HealthCheck#DEFAULT_TIMEOUT}.
     *
     * @throws IllegalArgumentException if the name is blank or already registered
     */
    public void register(String name, ReadinessContributor contributor) {
        register(name, contributor, HealthCheck.DEFAULT_TIMEOUT);
    }

    /**
     * Registers a contributor under a name with a timeout.
     *
     * @throws IllegalArgumentException if the name is blank or already registered, or the timeout is not positive
     */
    public void register(String name, ReadinessContributor contributor, Duration timeout) {
        Objects.requireNonNull(contributor, "contributor");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A readiness contributor needs a non-blank name, got '" + name + "'");
        }
        health.register(HealthCheck.fromContributor(name, timeout, contributor), HealthRegistry.Policy.LOCAL);
    }

    /** Removes the contributor or check with this name; returns whether one was registered. */
    public boolean unregister(String name) {
        return health.unregister(name);
    }

    /** Returns the names of the registered contributors and checks, sorted. */
    public List<String> names() {
        return health.names();
    }

    /**
     * Runs every check and reports each as ready or not, with its message as the reason. A
     * contributor that throws or returns null counts as not ready, with the exception message or a
     * note as its reason, and one that does not finish in time with a note on the timeout.
     */
    public Report check() {
        HealthReport report = health.check();
        List<ReadinessContributor.Status> statuses = new ArrayList<>(report.checks().size());
        for (HealthCheckStatus status : report.checks()) {
            statuses.add(new ReadinessContributor.Status(status.name(), status.ready(), status.message()));
        }
        return new Report(report.ready(), statuses);
    }
}
