package dev.agentforge.tool.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * The admission state of a tool executor: named pools with a concurrency limit, resources with a permit
 * count, and one bounded queue of waiting calls shared by all pools. Thread-safe; every method takes one
 * lock, and none runs a call.
 *
 * <p>A ticket is admitted when its pool has a free slot and every resource it needs has enough free
 * permits. Each pool keeps one FIFO queue per priority level. When a slot or a permit frees up, the
 * queue heads are compared by effective priority, the level plus one for each aging interval waited,
 * and the older ticket wins a tie. A head that lacks permits is passed over while another ticket can run,
 * but the tickets behind it in its own level keep their place. Every change of state ends with that
 * dispatch, so no waiting ticket could run at any time between two calls.
 *
 * @param <T> the call a ticket stands for
 */
public final class AdmissionQueue<T> {

    /** The outcome of {@link #offer}. */
    public enum Offer {
        ADMITTED,
        QUEUED,
        REJECTED
    }

    private final Object lock = new Object();
    private final Map<String, Pool<T>> pools = new LinkedHashMap<>();
    private final Map<String, Resource> resources = new LinkedHashMap<>();
    private final int capacity;
    private final int levels;
    private final Duration agingInterval;
    private final Clock clock;
    private long nextSequence;
    private int queued;

    /**
     * Creates the admission state.
     *
     * @param pools the concurrency limit of each pool, by name
     * @param resources the permit count of each resource, by name
     * @param capacity the maximum number of waiting tickets, across all pools
     * @param levels the number of priority levels, from 0 (lowest)
     * @param agingInterval the wait that raises a ticket's effective priority by one level
     * @param clock the clock that times the wait
     */
    public AdmissionQueue(Map<String, Integer> pools, Map<String, Integer> resources, int capacity, int levels,
            Duration agingInterval, Clock clock) {
        pools.forEach((name, limit) -> this.pools.put(name, new Pool<>(name, limit, levels)));
        resources.forEach((name, permits) -> this.resources.put(name, new Resource(permits)));
        this.capacity = capacity;
        this.levels = levels;
        this.agingInterval = agingInterval;
        this.clock = clock;
    }

    /** A call's claim on a pool slot and resource permits. */
    public static final class Ticket<T> {
        private final T owner;
        private final String pool;
        private final int level;
        private final Map<String, Integer> permits;
        private long sequence;
        private Instant queuedAt;
        private State state = State.NEW;

        private Ticket(T owner, String pool, int level, Map<String, Integer> permits) {
            this.owner = owner;
            this.pool = pool;
            this.level = level;
            this.permits = permits;
        }

        /** The call this ticket represents. */
        public T owner() {
            return owner;
        }

        public String pool() {
            return pool;
        }
    }

    private enum State {
        NEW,
        QUEUED,
        ADMITTED,
        DONE
    }

    /**
     * Creates a ticket.
     *
     * @throws IllegalArgumentException if the pool or a resource is not defined, or a resource has fewer
     *     permits in total than the ticket needs, so it could never run
     */
    public Ticket<T> ticket(T owner, String pool, int level, Map<String, Integer> permits) {
        if (!pools.containsKey(pool)) {
            throw new IllegalArgumentException("pool '" + pool + "' is not defined; defined pools: " + pools.keySet());
        }
        if (level < 0 || level >= levels) {
            throw new IllegalArgumentException("priority level " + level + " is outside 0 to " + (levels - 1));
        }
        permits.forEach((name, count) -> {
            Resource resource = resources.get(name);
            if (resource == null) {
                throw new IllegalArgumentException("resource '" + name + "' is not defined; defined resources: "
                        + resources.keySet());
            }
            if (count > resource.permits) {
                throw new IllegalArgumentException("the call needs " + count + " permits of resource '" + name
                        + "', which has only " + resource.permits);
            }
        });
        return new Ticket<>(Objects.requireNonNull(owner, "owner"), pool, level, Map.copyOf(permits));
    }

    /**
     * Admits the ticket at once if it can run now and no waiting ticket of its pool comes first, otherwise
     * queues it if the queue has room.
     *
     * @param admitted receives the tickets admitted by this offer, this one included when the offer
     *     returns {@link Offer#ADMITTED}
     * @param onQueued called with the queue depth, this ticket included, when the ticket is queued. It runs
     *     under the lock, before any other thread can admit the ticket, so it must be quick
     */
    public Offer offer(Ticket<T> ticket, List<Ticket<T>> admitted, IntConsumer onQueued) {
        synchronized (lock) {
            if (ticket.state != State.NEW) {
                throw new IllegalStateException("ticket already offered");
            }
            if (queued >= capacity) {
                if (canAdmit(ticket)) {
                    admit(ticket);
                    admitted.add(ticket);
                    return Offer.ADMITTED;
                }
                ticket.state = State.DONE;
                return Offer.REJECTED;
            }
            ticket.sequence = nextSequence++;
            ticket.queuedAt = clock.instant();
            ticket.state = State.QUEUED;
            pools.get(ticket.pool).queues[ticket.level].addLast(ticket);
            queued++;
            admitted.addAll(dispatch());
            if (ticket.state == State.QUEUED) {
                onQueued.accept(queued);
            }
            return ticket.state == State.ADMITTED ? Offer.ADMITTED : Offer.QUEUED;
        }
    }

    /**
     * Removes a queued ticket, for a call cancelled while it waits. The ticket behind it may then run.
     *
     * @param admitted receives the tickets admitted because this one left the queue
     * @return true if the ticket was waiting and is now removed, false if it was admitted or is done
     */
    public boolean withdraw(Ticket<T> ticket, List<Ticket<T>> admitted) {
        synchronized (lock) {
            if (ticket.state != State.QUEUED) {
                return false;
            }
            pools.get(ticket.pool).queues[ticket.level].remove(ticket);
            queued--;
            ticket.state = State.DONE;
            admitted.addAll(dispatch());
            return true;
        }
    }

    /**
     * Frees an admitted ticket's slot and permits, and admits the waiting tickets that can run now.
     *
     * @return the tickets admitted by this release, for the caller to start
     */
    public List<Ticket<T>> release(Ticket<T> ticket) {
        synchronized (lock) {
            if (ticket.state != State.ADMITTED) {
                return List.of();
            }
            ticket.state = State.DONE;
            pools.get(ticket.pool).running--;
            ticket.permits.forEach((name, count) -> resources.get(name).available += count);
            return dispatch();
        }
    }

    /** Removes and returns every waiting ticket, for shutdown. */
    public List<Ticket<T>> drain() {
        synchronized (lock) {
            List<Ticket<T>> drained = new ArrayList<>();
            for (Pool<T> pool : pools.values()) {
                for (ArrayDeque<Ticket<T>> queue : pool.queues) {
                    for (Ticket<T> ticket : queue) {
                        ticket.state = State.DONE;
                        drained.add(ticket);
                    }
                    queue.clear();
                }
            }
            queued = 0;
            return drained;
        }
    }

    /** The tickets waiting in all pools. */
    public int queued() {
        synchronized (lock) {
            return queued;
        }
    }

    /** The tickets waiting in one pool. */
    public int queued(String pool) {
        synchronized (lock) {
            return requirePool(pool).waiting();
        }
    }

    /** The admitted tickets of one pool that have not been released. */
    public int running(String pool) {
        synchronized (lock) {
            return requirePool(pool).running;
        }
    }

    /** The concurrency limit of one pool. */
    public int limit(String pool) {
        synchronized (lock) {
            return requirePool(pool).limit;
        }
    }

    /** The free permits of one resource. */
    public int available(String resource) {
        synchronized (lock) {
            Resource state = resources.get(resource);
            if (state == null) {
                throw new IllegalArgumentException("resource '" + resource + "' is not defined");
            }
            return state.available;
        }
    }

    /** The names of the pools. */
    public List<String> poolNames() {
        return List.copyOf(pools.keySet());
    }

    /** The names of the resources. */
    public List<String> resourceNames() {
        return List.copyOf(resources.keySet());
    }

    private Pool<T> requirePool(String pool) {
        Pool<T> state = pools.get(pool);
        if (state == null) {
            throw new IllegalArgumentException("pool '" + pool + "' is not defined");
        }
        return state;
    }

    // Called with the lock held.
    private List<Ticket<T>> dispatch() {
        List<Ticket<T>> admitted = new ArrayList<>();
        Instant now = clock.instant();
        while (true) {
            Ticket<T> best = null;
            long bestScore = Long.MIN_VALUE;
            for (Pool<T> pool : pools.values()) {
                if (pool.running >= pool.limit) {
                    continue;
                }
                for (ArrayDeque<Ticket<T>> queue : pool.queues) {
                    Ticket<T> head = queue.peekFirst();
                    if (head == null || !canAdmit(head)) {
                        continue;
                    }
                    long score = effectivePriority(head, now);
                    if (best == null || score > bestScore || (score == bestScore && head.sequence < best.sequence)) {
                        best = head;
                        bestScore = score;
                    }
                }
            }
            if (best == null) {
                return admitted;
            }
            pools.get(best.pool).queues[best.level].removeFirst();
            queued--;
            admit(best);
            admitted.add(best);
        }
    }

    private long effectivePriority(Ticket<T> ticket, Instant now) {
        long waitedNanos = Math.max(0, Duration.between(ticket.queuedAt, now).toNanos());
        return ticket.level + waitedNanos / agingInterval.toNanos();
    }

    private boolean canAdmit(Ticket<T> ticket) {
        Pool<T> pool = pools.get(ticket.pool);
        if (pool.running >= pool.limit) {
            return false;
        }
        for (Map.Entry<String, Integer> need : ticket.permits.entrySet()) {
            if (resources.get(need.getKey()).available < need.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void admit(Ticket<T> ticket) {
        pools.get(ticket.pool).running++;
        ticket.permits.forEach((name, count) -> resources.get(name).available -= count);
        ticket.state = State.ADMITTED;
    }

    private static final class Pool<T> {
        final String name;
        final int limit;
        final ArrayDeque<Ticket<T>>[] queues;
        int running;

        @SuppressWarnings("unchecked")
        Pool(String name, int limit, int levels) {
            this.name = name;
            this.limit = limit;
            this.queues = new ArrayDeque[levels];
            for (int i = 0; i < levels; i++) {
                queues[i] = new ArrayDeque<>();
            }
        }

        int waiting() {
            int total = 0;
            for (ArrayDeque<Ticket<T>> queue : queues) {
                total += queue.size();
            }
            return total;
        }
    }

    private static final class Resource {
        final int permits;
        int available;

        Resource(int permits) {
            this.permits = permits;
            this.available = permits;
        }
    }
}
