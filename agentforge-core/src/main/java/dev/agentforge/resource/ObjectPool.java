package dev.agentforge.resource;

import dev.agentforge.resource.internal.PooledFactory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * A pool of clients other than JDBC connections, on Apache Commons Pool2's {@link GenericObjectPool}.
 * Borrow returns a {@link Lease}: closing it returns the object, and {@link Lease#invalidate()}
 * destroys it, which wakes a waiting borrower with a new object.
 *
 * <p>The pool keeps between {@code minIdle} idle and {@code maxTotal} objects in all. It fills up to
 * {@code minIdle} when built and after each eviction run. It validates an object before lending it
 * when {@code validateOnBorrow} is set, and destroys objects that fail. An eviction run every
 * {@code evictionInterval} destroys objects idle for longer than {@code maxIdleTime}. A borrow that
 * waits longer than its timeout fails with a {@link PoolTimeoutException} that gives the pool's state.
 */
public final class ObjectPool<T> implements AutoCloseable {

    // Commons Pool2 2.13.1 reports a borrow timeout as a NoSuchElementException with this message
    // prefix, and other borrow failures with other messages.
    private static final String POOL2_TIMEOUT_PREFIX = "Timeout waiting for idle object";

    /** Creates, checks and destroys the pooled objects. */
    public interface Factory<T> {

        /** Creates an object, such as a connected client. */
        T create() throws Exception;

        /** Returns whether the object is still usable; false destroys it. Returns true unless overridden. */
        default boolean validate(T object) {
            return true;
        }

        /** Releases the object's resources. Does nothing unless overridden. */
        default void destroy(T object) throws Exception {
        }
    }

    private final String name;
    private final GenericObjectPool<T> pool;
    private final Duration acquireTimeout;
    private final LeakDetector leaks;

    private ObjectPool(Builder<T> builder) {
        this.name = builder.name;
        this.acquireTimeout = builder.acquireTimeout;
        GenericObjectPoolConfig<T> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(builder.maxTotal);
        config.setMaxIdle(builder.maxTotal);
        config.setMinIdle(builder.minIdle);
        config.setTestOnBorrow(builder.validateOnBorrow);
        config.setBlockWhenExhausted(true);
        config.setMaxWait(builder.acquireTimeout);
        config.setTimeBetweenEvictionRuns(builder.evictionInterval);
        config.setMinEvictableIdleDuration(builder.maxIdleTime);
        config.setNumTestsPerEvictionRun(builder.maxTotal);
        config.setJmxEnabled(false);
        this.pool = new GenericObjectPool<>(new PooledFactory<>(builder.factory), config);
        this.leaks = builder.leaks;
    }

    /** Starts a pool of objects made by {@code factory}. */
    public static <T> Builder<T> builder(String name, Factory<T> factory) {
        return new Builder<>(name, factory);
    }

    /** Borrows an object, waiting up to the pool's acquire timeout. */
    public Lease<T> borrow() throws Exception {
        return borrow(acquireTimeout);
    }

    /**
     * Borrows an object, waiting up to {@code timeout} for one to be returned when all are in use.
     *
     * @throws PoolTimeoutException if no object became free within the timeout
     * @throws Exception if the factory failed to create or validate an object
     */
    public Lease<T> borrow(Duration timeout) throws Exception {
        Objects.requireNonNull(timeout, "timeout");
        try {
            T object = pool.borrowObject(timeout);
            LeakDetector.Tracked tracked = leaks == null ? null : leaks.track("an object of pool " + name);
            return new Lease<>(pool, object, tracked);
        } catch (NoSuchElementException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith(POOL2_TIMEOUT_PREFIX)) {
                throw e;
            }
            // This caller has stopped waiting, so Pool2 no longer counts it among the waiters.
            int waiting = pool.getNumWaiters() + 1;
            throw new PoolTimeoutException(name, timeout, pool.getMaxTotal(), pool.getNumActive(), pool.getNumIdle(),
                    waiting, e);
        }
    }

    /** Destroys the objects idle for longer than the max idle time, then fills up to {@code minIdle}, now. */
    public void evictIdle() throws Exception {
        pool.evict();
        pool.preparePool();
    }

    public String name() {
        return name;
    }

    /** The objects borrowed. */
    public int active() {
        return pool.getNumActive();
    }

    /** The idle objects: in the pool and not borrowed. */
    public int idle() {
        return pool.getNumIdle();
    }

    /** The callers waiting in {@link #borrow} for an object. */
    public int waiting() {
        return pool.getNumWaiters();
    }

    /** The objects created and destroyed since the pool was built. */
    public long created() {
        return pool.getCreatedCount();
    }

    public long destroyed() {
        return pool.getDestroyedCount();
    }

    /**
     * Registers gauges {@code agentforge.pool.active}, {@code .idle}, {@code .waiting} and {@code .max}
     * with the tag {@code pool=<name>}.
     */
    public ObjectPool<T> bindTo(MeterRegistry registry) {
        Gauge.builder("agentforge.pool.active", pool, GenericObjectPool::getNumActive)
                .description("Objects borrowed from the pool").tag("pool", name).register(registry);
        Gauge.builder("agentforge.pool.idle", pool, GenericObjectPool::getNumIdle)
                .description("Idle objects in the pool").tag("pool", name).register(registry);
        Gauge.builder("agentforge.pool.waiting", pool, GenericObjectPool::getNumWaiters)
                .description("Callers waiting to borrow an object").tag("pool", name).register(registry);
        Gauge.builder("agentforge.pool.max", pool, GenericObjectPool::getMaxTotal)
                .description("The maximum number of objects").tag("pool", name).register(registry);
        return this;
    }

    /** Closes the pool: idle objects are destroyed now, borrowed ones when they are returned. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "ObjectPool[" + name + ": active=" + active() + ", idle=" + idle() + ", waiting=" + waiting() + "]";
    }

    /** A borrowed object. Close it to return the object; {@link #invalidate()} destroys it instead. */
    public static final class Lease<T> implements AutoCloseable {
        private final GenericObjectPool<T> pool;
        private final T object;
        private final AtomicBoolean released = new AtomicBoolean();
        private final LeakDetector.Tracked tracked;

        private Lease(GenericObjectPool<T> pool, T object, LeakDetector.Tracked tracked) {
            this.pool = pool;
            this.object = object;
            this.tracked = tracked;
        }

        private void untrack() {
            if (tracked != null) {
                tracked.release();
            }
        }

        /** The borrowed object. */
        public T get() {
            if (released.get()) {
                throw new IllegalStateException("This lease was already returned or invalidated; borrow again");
            }
            return object;
        }

        /** Destroys the object, because it is broken; a waiting borrower gets a new one. Later calls do nothing. */
        public void invalidate() throws Exception {
            if (released.compareAndSet(false, true)) {
                untrack();
                pool.invalidateObject(object);
            }
        }

        /** Returns the object to the pool. Later calls do nothing. */
        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                untrack();
                pool.returnObject(object);
            }
        }
    }

    /** Builds an {@link ObjectPool}. */
    public static final class Builder<T> {
        private final String name;
        private final Factory<T> factory;
        private int minIdle;
        private int maxTotal = 8;
        private boolean validateOnBorrow = true;
        private Duration acquireTimeout = Duration.ofSeconds(30);
        private Duration evictionInterval = Duration.ofSeconds(30);
        private Duration maxIdleTime = Duration.ofMinutes(5);
        private LeakDetector leaks;

        private Builder(String name, Factory<T> factory) {
            this.name = Objects.requireNonNull(name, "name");
            this.factory = Objects.requireNonNull(factory, "factory");
        }

        /** Sets how many idle objects the pool keeps ready; 0 by default. */
        public Builder<T> minIdle(int objects) {
            if (objects < 0) {
                throw new IllegalArgumentException("Invalid minIdle " + objects + ": use 0 or more");
            }
            this.minIdle = objects;
            return this;
        }

        /** Sets the maximum number of objects, borrowed and idle together; 8 by default. */
        public Builder<T> maxTotal(int objects) {
            if (objects < 1) {
                throw new IllegalArgumentException("Invalid maxTotal " + objects + ": use 1 or more");
            }
            this.maxTotal = objects;
            return this;
        }

        /** Sets whether an object is validated before it is lent; on by default. */
        public Builder<T> validateOnBorrow(boolean enabled) {
            this.validateOnBorrow = enabled;
            return this;
        }

        /** Sets how long {@link ObjectPool#borrow()} waits when all objects are in use; 30 s by default. */
        /** Tracks every borrowed object with this detector, which reports those held past its threshold. */
        public Builder<T> leakDetector(LeakDetector leaks) {
            this.leaks = leaks;
            return this;
        }

        public Builder<T> acquireTimeout(Duration timeout) {
            this.acquireTimeout = positive(timeout, "acquireTimeout");
            return this;
        }

        /** Sets how often an eviction run checks the idle objects; 30 s by default. */
        public Builder<T> evictionInterval(Duration interval) {
            this.evictionInterval = positive(interval, "evictionInterval");
            return this;
        }

        /** Sets how long an object may stay idle before an eviction run destroys it; 5 min by default. */
        public Builder<T> maxIdleTime(Duration idle) {
            this.maxIdleTime = positive(idle, "maxIdleTime");
            return this;
        }

        /**
         * Builds the pool and creates {@code minIdle} objects.
         *
         * @throws Exception if the factory fails to create them
         */
        public ObjectPool<T> build() throws Exception {
            if (minIdle > maxTotal) {
                throw new IllegalArgumentException("Invalid pool '" + name + "': minIdle " + minIdle
                        + " is greater than maxTotal " + maxTotal + "; lower minIdle or raise maxTotal");
            }
            ObjectPool<T> objectPool = new ObjectPool<>(this);
            try {
                objectPool.pool.preparePool();
            } catch (Exception e) {
                objectPool.close();
                throw e;
            }
            return objectPool;
        }

        private static Duration positive(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("Invalid " + name + " " + duration + ": use a positive duration");
            }
            return duration;
        }
    }
}
