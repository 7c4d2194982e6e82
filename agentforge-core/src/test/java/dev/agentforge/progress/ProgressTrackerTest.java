package dev.agentforge.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.RunStatus;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.Progress;
import dev.agentforge.event.RunCancelled;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.tool.Tool;
import dev.agentforge.stream.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProgressTrackerTest {

    private final TestClock time = new TestClock();

    @Test
    void resumedWorkIsTimedFromResumePoint() {
        ProgressTracker tracker = ProgressTracker.builder(time).total(100).resumeFrom(90).build();
        List<Duration> etas = new ArrayList<>();

        for (int item = 0; item < 5; item++) {
            time.advance(Duration.ofSeconds(6));
            tracker.advance(1);
            etas.add(tracker.snapshot().eta());
        }

        assertThat(etas.getFirst()).isEqualTo(Duration.ofSeconds(54));
        assertThat(etas).containsExactly(Duration.ofSeconds(54), Duration.ofSeconds(48), Duration.ofSeconds(42),
                Duration.ofSeconds(36), Duration.ofSeconds(30));
        assertThat(tracker.snapshot().percent()).isEqualTo(95.0);
    }

    @Test
    void etaUnknownUntilWorkAndTotal() {
        ProgressTracker tracker = ProgressTracker.builder(time).build();
        assertThat(tracker.snapshot().eta()).isNull();
        assertThat(tracker.snapshot().percent()).isNull();

        time.advance(Duration.ofSeconds(2));
        tracker.advance(4);
        assertThat(tracker.snapshot().eta()).isNull();
        assertThat(tracker.snapshot().unitsPerSecond()).isEqualTo(2.0);

        tracker.reviseTotal(10, null);
        assertThat(tracker.snapshot().eta()).isEqualTo(Duration.ofSeconds(3));
        assertThat(tracker.snapshot().percent()).isEqualTo(40.0);

        tracker.reviseTotal(20, "found more files");
        assertThat(tracker.snapshot().eta()).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void percentReaches100OnlyOnCompletion() {
        ProgressTracker tracker = ProgressTracker.builder(time).total(50).build();
        time.advance(Duration.ofSeconds(1));
        tracker.update(50);

        assertThat(tracker.snapshot().percent()).isEqualTo(ProgressTracker.MAX_PERCENT_BEFORE_COMPLETION);
        assertThat(tracker.complete()).isTrue();
        assertThat(tracker.snapshot().percent()).isEqualTo(100.0);
        assertThat(tracker.snapshot().eta()).isNull();
        assertThat(tracker.snapshot().describe()).isEqualTo("50 of 50 (100.0 %), done");
    }

    @Test
    void completeWithUnknownTotalUsesCurrent() {
        ProgressTracker tracker = ProgressTracker.builder(time).build();
        tracker.advance(7);
        tracker.complete();

        assertThat(tracker.snapshot().total()).isEqualTo(7);
        assertThat(tracker.snapshot().percent()).isEqualTo(100.0);
    }

    @Test
    void invalidUpdatesThrowClearErrors() {
        ProgressTracker tracker = ProgressTracker.builder(time).total(10).build();
        tracker.update(5);

        assertThatThrownBy(() -> tracker.update(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid progress -1: use 0 or more units");
        assertThatThrownBy(() -> tracker.advance(-2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid units -2: progress advances by 0 or more units");
        assertThatThrownBy(() -> tracker.update(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid progress 4: it is below the current 5");
        assertThatThrownBy(() -> tracker.update(11)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid progress 11: it is above the total 10; call reviseTotal first if the work grew");
        assertThatThrownBy(() -> tracker.reviseTotal(8, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid total 8: a total may only be revised upward");
        assertThatThrownBy(() -> tracker.reviseTotal(4, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid total 4: it is below the 5 units already done");
        assertThatThrownBy(() -> ProgressTracker.builder(time).total(5).resumeFrom(6).build())
                .hasMessage("Invalid resume point 6: it is above the total 5");
        assertThat(tracker.snapshot().current()).isEqualTo(5);
    }

    @Test
    void updatesAfterEndAreIgnored() {
        List<ProgressSnapshot> reports = new ArrayList<>();
        ProgressTracker tracker = ProgressTracker.builder(time).total(10)
                .listener((snapshot, message) -> reports.add(snapshot)).build();
        tracker.advance(1);
        assertThat(tracker.cancel("user left")).isTrue();

        assertThat(tracker.advance(1)).isFalse();
        assertThat(tracker.reviseTotal(20, null)).isFalse();
        assertThat(tracker.complete()).isFalse();
        assertThat(tracker.cancel("again")).isFalse();

        assertThat(reports).hasSize(1);
        assertThat(tracker.state()).isEqualTo(ProgressTracker.State.CANCELLED);
        assertThat(tracker.snapshot().current()).isEqualTo(1);
    }

    @Test
    void steadyWorkGivesExactEta() {
        ProgressTracker tracker = ProgressTracker.builder(time).total(1000).build();
        for (int step = 1; step <= 50; step++) {
            time.advance(Duration.ofSeconds(2));
            tracker.advance(4);
        }
        // 2 units per second, 800 left.
        assertThat(tracker.snapshot().eta()).isEqualTo(Duration.ofSeconds(400));
    }

    @Test
    void burstyProgressKeepsSuccessiveEtasWithin1_5() {
        // Work that finishes in bursts: 3 to 7 items reported one by one at the same instant, then a
        // quiet gap of 20 to 40 s, about one item every 6 s on average. The seed is fixed, so every run
        // gets the same bursts. Estimates are compared once the tracker has run for one smoothing time.
        Random random = new Random(42);
        ProgressTracker tracker = ProgressTracker.builder(time).total(2000).build();
        Instant warmedUp = time.instant().plus(ProgressTracker.DEFAULT_SMOOTHING_TIME);
        List<Duration> etas = new ArrayList<>();

        for (int burst = 0; burst < 150; burst++) {
            time.advance(Duration.ofSeconds(20 + random.nextInt(21)));
            int size = 3 + random.nextInt(5);
            for (int item = 0; item < size; item++) {
                tracker.advance(1);
                if (!time.instant().isBefore(warmedUp)) {
                    etas.add(tracker.snapshot().eta());
                }
            }
        }

        assertThat(etas).hasSizeGreaterThan(500);
        for (int i = 1; i < etas.size(); i++) {
            double ratio = (double) etas.get(i).toMillis() / etas.get(i - 1).toMillis();
            assertThat(ratio).as("ETA %s after %s (update %d)", etas.get(i), etas.get(i - 1), i).isBetween(1 / 1.5, 1.5);
        }
    }

    @Test
    void regularBurstsGiveSteadyEta() {
        // Bursts of 5 items every 30 s from the start: after the first burst the rate is exact.
        ProgressTracker tracker = ProgressTracker.builder(time).total(1000).build();
        List<Duration> etas = new ArrayList<>();
        for (int burst = 0; burst < 20; burst++) {
            time.advance(Duration.ofSeconds(30));
            for (int item = 0; item < 5; item++) {
                tracker.advance(1);
            }
            etas.add(tracker.snapshot().eta());
        }

        for (int burst = 1; burst < etas.size(); burst++) {
            long remaining = 1000 - 5L * (burst + 1);
            assertThat(etas.get(burst)).as("burst %d", burst).isEqualTo(Duration.ofSeconds(remaining * 6));
        }
    }

    @Test
    void completeRacingCancelEndsOnce() throws Exception {
        for (int iteration = 0; iteration < 1000; iteration++) {
            List<String> log = new CopyOnWriteArrayList<>();
            ProgressTracker tracker = ProgressTracker.builder(time).total(1_000_000)
                    .listener((snapshot, message) -> log.add(snapshot.state().name())).build();
            CountDownLatch start = new CountDownLatch(1);
            AtomicReference<Boolean> completed = new AtomicReference<>();
            AtomicReference<Boolean> cancelled = new AtomicReference<>();
            Thread updater = Thread.ofVirtual().start(() -> {
                await(start);
                while (tracker.advance(1)) {
                    Thread.onSpinWait();
                }
            });
            Thread completer = Thread.ofVirtual().start(() -> {
                await(start);
                completed.set(tracker.complete());
                log.add("complete returned");
            });
            Thread canceller = Thread.ofVirtual().start(() -> {
                await(start);
                cancelled.set(tracker.cancel("race"));
                log.add("cancel returned");
            });
            start.countDown();
            for (Thread thread : List.of(updater, completer, canceller)) {
                assertThat(thread.join(Duration.ofSeconds(10))).isTrue();
            }

            assertThat(completed.get() ^ cancelled.get()).as("iteration %d: exactly one wins", iteration).isTrue();
            ProgressTracker.State expected = completed.get() ? ProgressTracker.State.COMPLETED : ProgressTracker.State.CANCELLED;
            assertThat(tracker.state()).isEqualTo(expected);
            String winnerMarker = completed.get() ? "complete returned" : "cancel returned";
            List<String> afterWin = log.subList(log.indexOf(winnerMarker) + 1, log.size());
            assertThat(afterWin).as("iteration %d: reports after the end", iteration)
                    .allMatch(entry -> entry.endsWith("returned"));
            assertThat(log.stream().filter("COMPLETED"::equals).count()).isEqualTo(completed.get() ? 1 : 0);
        }
    }

    @Test
    void runCancelRacingCompletionEndsOnce() throws Exception {
        AtomicReference<CountDownLatch> go = new AtomicReference<>();
        AtomicReference<ProgressTracker> trackers = new AtomicReference<>();
        Tool work = Tool.builder("work")
                .description("Does three units of work")
                .handler((arguments, context) -> {
                    go.get().await();
                    ProgressTracker tracker = trackers.get();
                    tracker.advance(1, "step 1");
                    tracker.advance(1, "step 2");
                    tracker.advance(1, "step 3");
                    tracker.complete("all steps");
                    return "done";
                })
                .build();
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("work", "work", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("work", "{}")
                        : ScriptStep.answer("finished"))
                .build();
        Agent agent = Agent.builder().model(model).tools(work).modelName("scripted").build();

        for (int iteration = 0; iteration < 1000; iteration++) {
            go.set(new CountDownLatch(1));
            AgentRun run = agent.start("work");
            ProgressTracker tracker = ProgressTracker.builder(time).total(3).reportTo(run).build();
            trackers.set(tracker);
            CountDownLatch start = new CountDownLatch(1);
            int spins = (iteration % 50) * 20;
            Thread releaser = Thread.ofVirtual().start(() -> {
                await(start);
                go.get().countDown();
            });
            Thread canceller = Thread.ofVirtual().start(() -> {
                await(start);
                // Cancel at varying points: before, during or after the run's last steps.
                for (int spin = 0; spin < spins; spin++) {
                    Thread.onSpinWait();
                }
                run.cancel("race");
            });
            start.countDown();
            releaser.join();
            canceller.join();
            RunResult result = run.result().get(10, TimeUnit.SECONDS);

            List<AgentEvent> events = run.events().collectList().block(Duration.ofSeconds(10));
            List<AgentEvent> terminals = events.stream().filter(AgentEvent::terminal).toList();
            assertThat(terminals).as("iteration %d", iteration).hasSize(1);
            assertThat(events.getLast()).isSameAs(terminals.getFirst());
            if (result.status() == RunStatus.COMPLETED) {
                assertThat(terminals.getFirst()).isInstanceOf(RunCompleted.class);
                assertThat(tracker.state()).isEqualTo(ProgressTracker.State.COMPLETED);
                assertThat(events.stream().filter(Progress.class::isInstance).count()).isEqualTo(4);
            } else {
                assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
                assertThat(terminals.getFirst()).isInstanceOf(RunCancelled.class);
                assertThat(tracker.state()).isIn(ProgressTracker.State.CANCELLED, ProgressTracker.State.COMPLETED);
            }
        }
    }

    @Test
    void reportToRunAppendsProgressEvents() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Tool wait = Tool.builder("wait").description("Waits for the test").handler((arguments, context) -> {
            release.await();
            return "ok";
        }).build();
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("wait", "wait", turn -> turn.results().isEmpty() ? ScriptStep.callTool("wait", "{}") : ScriptStep.answer("ok"))
                .build();
        AgentRun run = Agent.builder().model(model).tools(wait).modelName("scripted").build().start("wait");
        ProgressTracker tracker = ProgressTracker.builder(time).total(4).reportTo(run).build();

        time.advance(Duration.ofSeconds(5));
        tracker.advance(1, "reading");
        release.countDown();
        run.result().get(10, TimeUnit.SECONDS);

        Progress progress = run.events().ofType(Progress.class).blockFirst(Duration.ofSeconds(10));
        assertThat(progress.current()).isEqualTo(1);
        assertThat(progress.total()).isEqualTo(4);
        assertThat(progress.message()).isEqualTo("reading: 1 of 4 (25.0 %), about 15 s left");
        assertThat(tracker.advance(1)).as("a report after the run ended").isFalse();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
