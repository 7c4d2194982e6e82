package dev.agentforge.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ObjectPoolTest {

    /** A pooled client with an id, so tests can tell objects apart. */
    record Client(int id) {
    }

    private final AtomicInteger ids = new AtomicInteger();
    private final List<Client> destroyed = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    private final CountingFactory factory = new CountingFactory();

    /** Numbers the clients it creates from 1 and records the ones it destroys. */
    private class CountingFactory implements ObjectPool.Factory<Client> {
        @Override
        public Client create() {
            return new Client(ids.incrementAndGet());
        }

        @Override
        public void destroy(Client client) {
            destroyed.add(client);
        }
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void borrowTimeoutReportsPoolState() throws Exception {
        try (ObjectPool<Client> pool = ObjectPool.builder("clients", factory).maxTotal(2).build();
                ObjectPool.Lease<Client> first = pool.borrow();
                ObjectPool.Lease<Client> second = pool.borrow()) {
            CompletableFuture<ObjectPool.Lease<Client>> third = CompletableFuture.supplyAsync(() -> {
                try {
                    return pool.borrow(Duration.ofMillis(500));
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, threads);

            // Pool2 counts the waiting caller itself while it waits.
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.waiting() == 1 || third.isDone());

            Throwable failure = third.handle((lease, error) -> error).join();
            assertThat(failure).isInstanceOf(CompletionException.class);
            assertThat(failure.getCause()).isInstanceOfSatisfying(PoolTimeoutException.class, e -> {
                assertThat(e.active()).isEqualTo(2);
                assertThat(e.idle()).isZero();
                assertThat(e.waiting()).isEqualTo(1);
                assertThat(e.total()).isEqualTo(2);
            }).hasMessage("Timed out after 500 ms waiting for an object from pool 'clients': total=2, active=2, idle=0,"
                    + " waiting=1 (this caller included), maxTotal=2. Return leases sooner, raise maxTotal or raise the"
                    + " acquire timeout.");
        }
    }

    @Test
    void invalidateWakesWaiterWithNewObject() throws Exception {
        try (ObjectPool<Client> pool = ObjectPool.builder("clients", factory).maxTotal(1).build()) {
            ObjectPool.Lease<Client> broken = pool.borrow();
            CompletableFuture<Client> waiter = CompletableFuture.supplyAsync(() -> {
                try (ObjectPool.Lease<Client> lease = pool.borrow(Duration.ofSeconds(20))) {
                    return lease.get();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, threads);
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.waiting() == 1);

            broken.invalidate();

            assertThat(waiter.join()).isEqualTo(new Client(2));
            assertThat(destroyed).containsExactly(new Client(1));
        }
    }

    @Test
    void leaseReturnsObjectOnClose() throws Exception {
        try (ObjectPool<Client> pool = ObjectPool.builder("clients", factory).maxTotal(2).build()) {
            ObjectPool.Lease<Client> lease = pool.borrow();
            assertThat(pool.active()).isEqualTo(1);

            lease.close();
            lease.close();

            assertThat(pool.active()).isZero();
            assertThat(pool.idle()).isEqualTo(1);
            assertThatThrownBy(lease::get).hasMessage("This lease was already returned or invalidated; borrow again");
            try (ObjectPool.Lease<Client> again = pool.borrow()) {
                assertThat(again.get()).isEqualTo(new Client(1));
            }
        }
    }

    @Test
    void invalidObjectIsReplacedOnBorrow() throws Exception {
        ObjectPool.Factory<Client> firstIsStale = new ObjectPool.Factory<>() {
            @Override
            public Client create() {
                return factory.create();
            }

            @Override
            public boolean validate(Client client) {
                return client.id() != 1;
            }

            @Override
            public void destroy(Client client) {
                factory.destroy(client);
            }
        };
        try (ObjectPool<Client> pool = ObjectPool.builder("clients", firstIsStale).minIdle(1).maxTotal(2).build();
                ObjectPool.Lease<Client> lease = pool.borrow()) {
            assertThat(lease.get()).isEqualTo(new Client(2));
            assertThat(destroyed).containsExactly(new Client(1));
        }
    }

    @Test
    void minIdleIsFilledOnBuild() throws Exception {
        try (ObjectPool<Client> pool = ObjectPool.builder("clients", factory).minIdle(2).maxTotal(4).build()) {
            assertThat(pool.idle()).isEqualTo(2);
            assertThat(pool.created()).isEqualTo(2);
        }
    }

    // Pool2 measures idle time on the system clock, so this polls the eviction run with a bounded wait
    // until the 1 ms idle limit has passed.
    @Test
    void evictionDestroysIdleAndRefillsToMin() throws Exception {
        try (ObjectPool<Client> pool = ObjectPool.builder("clients", factory).minIdle(1).maxTotal(2)
                .maxIdleTime(Duration.ofMillis(1)).evictionInterval(Duration.ofHours(1)).build()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                pool.evictIdle();
                return !destroyed.isEmpty();
            });

            assertThat(destroyed.getFirst()).isEqualTo(new Client(1));
            assertThat(pool.idle()).as("refilled to minIdle").isEqualTo(1);
            assertThat(pool.created()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void gaugesReportPoolState() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ObjectPool<Client> pool = ObjectPool.builder("clients", factory).minIdle(1).maxTotal(3).build()
                .bindTo(registry);
                ObjectPool.Lease<Client> lease = pool.borrow()) {
            assertThat(registry.get("agentforge.pool.active").tag("pool", "clients").gauge().value()).isEqualTo(1);
            assertThat(registry.get("agentforge.pool.max").tag("pool", "clients").gauge().value()).isEqualTo(3);
            assertThat(registry.get("agentforge.pool.waiting").tag("pool", "clients").gauge().value()).isZero();
        }
    }

    @Test
    void invalidSettingsNameTheFix() {
        assertThatThrownBy(() -> ObjectPool.builder("clients", factory).minIdle(3).maxTotal(2).build())
                .hasMessage("Invalid pool 'clients': minIdle 3 is greater than maxTotal 2; lower minIdle or raise maxTotal");
    }
}
