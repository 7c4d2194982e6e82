package dev.agentforge.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CancellationTokenTest {

    @Test
    void cancelRunsActionsOnce() {
        CancellationToken token = CancellationToken.create();
        AtomicInteger runs = new AtomicInteger();
        token.onCancel(runs::incrementAndGet);

        assertThat(token.cancel("user left")).isTrue();
        assertThat(token.cancel("again")).isFalse();

        assertThat(runs).hasValue(1);
        assertThat(token.reason()).isEqualTo("user left");
    }

    @Test
    void actionAfterCancelRunsAtOnce() {
        CancellationToken token = CancellationToken.create();
        token.cancel("done");
        AtomicInteger runs = new AtomicInteger();

        token.onCancel(runs::incrementAndGet);

        assertThat(runs).hasValue(1);
    }

    @Test
    void closedRegistrationDoesNotRun() {
        CancellationToken token = CancellationToken.create();
        AtomicInteger runs = new AtomicInteger();
        token.onCancel(runs::incrementAndGet).close();

        token.cancel("x");

        assertThat(runs).hasValue(0);
    }

    @Test
    void childFollowsParentButNotBack() {
        CancellationToken parent = CancellationToken.create();
        CancellationToken first = parent.child();
        CancellationToken second = parent.child();

        first.cancel("only this call");
        assertThat(parent.isCancelled()).isFalse();
        assertThat(second.isCancelled()).isFalse();

        parent.cancel("run cancelled");
        assertThat(second.isCancelled()).isTrue();
        assertThat(second.reason()).isEqualTo("run cancelled");
        assertThat(first.reason()).isEqualTo("only this call");
    }

    @Test
    void releasedChildNoLongerFollowsParent() {
        CancellationToken parent = CancellationToken.create();
        CancellationToken finished = parent.child();
        finished.onCancel(() -> { }).close();
        finished.release();
        CancellationToken live = parent.child();

        parent.cancel("run over");

        assertThat(finished.isCancelled()).isFalse();
        assertThat(live.isCancelled()).isTrue();
    }

    @Test
    void childWithActionsStaysAttachedOnRelease() {
        CancellationToken parent = CancellationToken.create();
        CancellationToken child = parent.child();
        AtomicInteger runs = new AtomicInteger();
        child.onCancel(runs::incrementAndGet);

        child.release();
        parent.cancel("run over");

        assertThat(runs).hasValue(1);
    }

    @Test
    void failingActionDoesNotStopOthers() {
        CancellationToken token = CancellationToken.create();
        AtomicInteger runs = new AtomicInteger();
        token.onCancel(() -> {
            throw new IllegalStateException("boom");
        });
        token.onCancel(runs::incrementAndGet);

        token.cancel("x");

        assertThat(runs).hasValue(1);
    }

    @Test
    void throwIfCancelledCarriesTheReason() {
        CancellationToken token = CancellationToken.create();
        token.throwIfCancelled();
        token.cancel("timed out");

        assertThatThrownBy(token::throwIfCancelled)
                .isInstanceOf(CancellationException.class)
                .hasMessage("timed out");
    }

    @Test
    void racingRegistrationsEachRunExactlyOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            CancellationToken token = CancellationToken.create();
            List<Integer> ran = new CopyOnWriteArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            Thread registering = Thread.ofVirtual().start(() -> {
                await(start);
                for (int i = 0; i < 50; i++) {
                    int id = i;
                    token.onCancel(() -> ran.add(id));
                }
            });
            Thread cancelling = Thread.ofVirtual().start(() -> {
                await(start);
                token.cancel("race");
            });
            start.countDown();
            registering.join();
            cancelling.join();

            assertThat(ran).hasSize(50).doesNotHaveDuplicates();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
