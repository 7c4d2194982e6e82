package dev.agentforge.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadinessRegistryTest {

    private final ReadinessRegistry registry = new ReadinessRegistry();

    @Test
    void emptyRegistryIsReady() {
        ReadinessRegistry.Report report = registry.check();

        assertThat(report.ready()).isTrue();
        assertThat(report.statuses()).isEmpty();
    }

    @Test
    void readyOnlyWhenEveryContributorIsReady() {
        AtomicBoolean draining = new AtomicBoolean();
        registry.register("memory", () -> ReadinessContributor.Status.ready("memory"));
        registry.register("draining", () -> draining.get()
                ? ReadinessContributor.Status.notReady("draining", "the server is draining")
                : ReadinessContributor.Status.ready("draining"));

        ReadinessRegistry.Report before = registry.check();
        draining.set(true);
        ReadinessRegistry.Report after = registry.check();

        assertThat(before.ready()).isTrue();
        assertThat(after.ready()).isFalse();
        assertThat(after.statuses()).containsExactly(
                ReadinessContributor.Status.notReady("draining", "the server is draining"),
                ReadinessContributor.Status.ready("memory"));
    }

    @Test
    void throwingContributorIsNotReadyWithMessage() {
        registry.register("database", () -> {
            throw new IllegalStateException("Connection refused: 127.0.0.1:5432");
        });

        ReadinessRegistry.Report report = registry.check();

        assertThat(report.ready()).isFalse();
        assertThat(report.statuses()).containsExactly(
                ReadinessContributor.Status.notReady("database", "Connection refused: 127.0.0.1:5432"));
    }

    @Test
    void exceptionWithoutMessageIsNamedByClass() {
        registry.register("database", () -> {
            throw new IllegalStateException();
        });

        assertThat(registry.check().statuses().getFirst().reason()).isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void nullStatusIsNotReady() {
        registry.register("broken", () -> null);

        ReadinessContributor.Status status = registry.check().statuses().getFirst();

        assertThat(status.ready()).isFalse();
        assertThat(status.reason()).contains("no status");
    }

    @Test
    void statusCarriesRegisteredName() {
        registry.register("database", () -> ReadinessContributor.Status.notReady("db", "down"));

        assertThat(registry.check().statuses().getFirst().name()).isEqualTo("database");
    }

    @Test
    void duplicateOrBlankNameIsRejected() {
        registry.register("memory", () -> ReadinessContributor.Status.ready("memory"));

        assertThatThrownBy(() -> registry.register("memory", () -> ReadinessContributor.Status.ready("memory")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'memory'");
        assertThatThrownBy(() -> registry.register(" ", () -> ReadinessContributor.Status.ready(" ")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unregisterRemovesContributor() {
        registry.register("memory", () -> ReadinessContributor.Status.notReady("memory", "full"));

        assertThat(registry.unregister("memory")).isTrue();
        assertThat(registry.unregister("memory")).isFalse();
        assertThat(registry.check().ready()).isTrue();
        assertThat(registry.names()).isEmpty();
    }

    @Test
    void concurrentRegistrationAndChecks() throws Exception {
        int threads = 8;
        CountDownLatch done = new CountDownLatch(threads);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        String name = "c-" + id + "-" + i;
                        registry.register(name, () -> ReadinessContributor.Status.ready(name));
                        registry.check();
                        registry.unregister(name);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                } finally {
                    done.countDown();
                }
            });
        }

        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).isEmpty();
        assertThat(registry.names()).isEmpty();
    }
}
