package dev.agentforge.monitor;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * One check of the service's health, such as a database, a model provider or the heap. A
 * {@link HealthRegistry} runs each check on its own virtual thread and stops waiting for it after
 * {@link #timeout()}, so a check may block on I/O.
 */
public interface HealthCheck {

    /** The timeout of a check that sets none. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    /** The name the check is reported under, such as {@code database}. */
    String name();

    /** Returns how long the registry waits for {@link #check()} before it reports {@link HealthState#TIMEOUT}. */
    default Duration timeout() {
        return DEFAULT_TIMEOUT;
    }

    /**
     * Checks the dependency once.
     *
     * @throws Exception if the check fails, which the registry reports as {@link HealthState#DOWN}
     *     with the exception message
     */
    Result check() throws Exception;

    /**
     * Creates a check from a name, a timeout and a function.
     *
     * @throws IllegalArgumentException if the name is blank or the timeout is not positive
     */
    static HealthCheck of(String name, Duration timeout, Callable<Result> check) {
        return new FunctionHealthCheck(name, timeout, check);
    }

    /**
     * Adapts a readiness contributor: a ready status becomes {@link HealthState#UP} and a status
     * that is not ready becomes {@link HealthState#DOWN}, each with the status reason as message.
     */
    static HealthCheck fromContributor(String name, ReadinessContributor contributor) {
        return fromContributor(name, DEFAULT_TIMEOUT, contributor);
    }

    /** Adapts a readiness contributor with a timeout; see {@link #fromContributor(String, ReadinessContributor)}. */
    static HealthCheck fromContributor(String name, Duration timeout, ReadinessContributor contributor) {
        Objects.requireNonNull(contributor, "contributor");
        return new FunctionHealthCheck(name, timeout, () -> {
            ReadinessContributor.Status status = contributor.check();
            if (status == null) {
                return null;
            }
            return status.ready() ? Result.up(status.reason()) : Result.down(status.reason());
        });
    }

    /**
     * The outcome of one check.
     *
     * @param state {@code UP}, {@code DEGRADED} or {@code DOWN}; the registry alone reports {@code TIMEOUT}
     * @param message why the check is not {@code UP}, or a short note such as a pool's state; may be null
     * @param details values for people and dashboards, such as connection counts; serialized as JSON
     */
    record Result(HealthState state, String message, Map<String, Object> details) {

        public Result {
            Objects.requireNonNull(state, "state");
            details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }

        public static Result up() {
            return new Result(HealthState.UP, null, Map.of());
        }

        public static Result up(String message) {
            return new Result(HealthState.UP, message, Map.of());
        }

        public static Result degraded(String message) {
            return new Result(HealthState.DEGRADED, message, Map.of());
        }

        public static Result down(String message) {
            return new Result(HealthState.DOWN, message, Map.of());
        }

        /** Returns this result with these details. */
        public Result withDetails(Map<String, Object> moreDetails) {
            Map<String, Object> merged = new LinkedHashMap<>(details);
            merged.putAll(moreDetails);
            return new Result(state, message, merged);
        }
    }
}
