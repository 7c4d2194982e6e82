package dev.agentforge.monitor;

import java.util.Objects;

/**
 * One input to the service's readiness, such as a memory limit, draining or a database. A
 * {@link ReadinessRegistry} calls it on every readiness check, so it should return quickly.
 */
@FunctionalInterface
public interface ReadinessContributor {

    /**
     * Checks whether this part of the service can take new work.
     *
     * @throws Exception if the check itself fails, which the registry reports as not ready
     */
    Status check() throws Exception;

    /**
     * The outcome of one readiness check.
     *
     * @param name the name the contributor is registered under
     * @param ready whether this part of the service can take new work
     * @param reason why it is not ready; when it is ready, null or a short detail such as a pool's state
     */
    record Status(String name, boolean ready, String reason) {

        public Status {
            Objects.requireNonNull(name, "name");
        }

        /** Creates the status of a ready contributor. */
        public static Status ready(String name) {
            return new Status(name, true, null);
        }

        /** Creates the status of a contributor that is not ready, with the reason. */
        public static Status notReady(String name, String reason) {
            return new Status(name, false, reason);
        }

        /** Returns this status under another name. */
        Status withName(String otherName) {
            return name.equals(otherName) ? this : new Status(otherName, ready, reason);
        }
    }
}
