package dev.agentforge.resource;

import java.time.Duration;

/**
 * A borrow from an {@link ObjectPool} that timed out because every object was in use. The message and
 * the accessors give the pool's state when the wait ended.
 */
public final class PoolTimeoutException extends RuntimeException {

    private final String poolName;
    private final Duration timeout;
    private final int total;
    private final int active;
    private final int idle;
    private final int waiting;

    PoolTimeoutException(String poolName, Duration timeout, int maxTotal, int active, int idle, int waiting,
            Throwable cause) {
        super("Timed out after " + timeout.toMillis() + " ms waiting for an object from pool '" + poolName
                + "': total=" + (active + idle) + ", active=" + active + ", idle=" + idle + ", waiting=" + waiting
                + " (this caller included), maxTotal=" + maxTotal
                + ". Return leases sooner, raise maxTotal or raise the acquire timeout.", cause);
        this.poolName = poolName;
        this.timeout = timeout;
        this.total = active + idle;
        this.active = active;
        this.idle = idle;
        this.waiting = waiting;
    }

    public String poolName() {
        return poolName;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The objects in the pool, borrowed or idle. */
    public int total() {
        return total;
    }

    /** The objects borrowed. */
    public int active() {
        return active;
    }

    /** The idle objects: in the pool and not borrowed. */
    public int idle() {
        return idle;
    }

    /** The callers waiting for an object, this caller included. */
    public int waiting() {
        return waiting;
    }
}
