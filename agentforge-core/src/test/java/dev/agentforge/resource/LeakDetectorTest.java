package dev.agentforge.resource;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRegistry;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.tool.Tool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeakDetectorTest {

    /** A clock that moves only when told to. */
    private static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-04T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Records reports as lines of text. */
    private static final class RecordingReporter implements LeakDetector.Reporter {
        final List<String> reports = new CopyOnWriteArrayList<>();
        final List<Throwable> acquisitions = new CopyOnWriteArrayList<>();

        @Override
        public void held(LeakDetector.Tracked resource, Duration heldFor, Throwable acquiredAt) {
            reports.add("held " + resource.description() + " for " + heldFor.toSeconds() + " s");
            acquisitions.add(acquiredAt);
        }

        @Override
        public void returned(LeakDetector.Tracked resource, Duration heldFor) {
            reports.add("returned " + resource.description() + " after " + heldFor.toSeconds() + " s");
        }
    }

    private final ManualClock clock = new ManualClock();
    private final RecordingReporter reporter = new RecordingReporter();
    private final LeakDetector detector = LeakDetector.builder("test")
            .threshold(Duration.ofSeconds(60)).clock(clock).reporter(reporter).build();

    @Test
    void heldResourceIsReportedOnceWithItsAcquisition() {
        detector.track("connection 1");
        clock.advance(Duration.ofSeconds(61));

        assertThat(detector.sweep()).isEqualTo(1);
        assertThat(detector.sweep()).isZero();
        clock.advance(Duration.ofSeconds(60));
        assertThat(detector.sweep()).isZero();

        assertThat(reporter.reports).containsExactly("held connection 1 for 61 s");
        assertThat(reporter.acquisitions.getFirst().getStackTrace())
                .anySatisfy(frame -> assertThat(frame.getMethodName()).isEqualTo("heldResourceIsReportedOnceWithItsAcquisition"));
    }

    @Test
    void reportedResourceThatComesBackIsReportedAgain() {
        LeakDetector.Tracked tracked = detector.track("stream of run_1");
        clock.advance(Duration.ofSeconds(90));
        detector.sweep();
        clock.advance(Duration.ofSeconds(30));

        tracked.release();
        tracked.release();

        assertThat(reporter.reports).containsExactly("held stream of run_1 for 90 s",
                "returned stream of run_1 after 120 s");
        assertThat(detector.heldCount()).isZero();
    }

    @Test
    void resourceReturnedInTimeIsNeverReported() {
        LeakDetector.Tracked tracked = detector.track("connection 2");
        clock.advance(Duration.ofSeconds(59));
        detector.sweep();
        tracked.release();
        clock.advance(Duration.ofHours(1));
        detector.sweep();

        assertThat(reporter.reports).isEmpty();
        assertThat(detector.reportedCount()).isZero();
    }

    @Test
    void idleDetectorReportsNothing() {
        clock.advance(Duration.ofDays(1));

        assertThat(detector.sweep()).isZero();
        assertThat(reporter.reports).isEmpty();
    }

    @Test
    void objectPoolTracksBorrowedObjects() throws Exception {
        ObjectPool.Factory<StringBuilder> factory = new ObjectPool.Factory<>() {
            @Override
            public StringBuilder create() {
                return new StringBuilder();
            }
        };
        try (ObjectPool<StringBuilder> pool = ObjectPool.builder("buffers", factory).maxTotal(2)
                .leakDetector(detector).build()) {
            ObjectPool.Lease<StringBuilder> kept = pool.borrow();
            try (ObjectPool.Lease<StringBuilder> returned = pool.borrow()) {
                returned.get().append("short use");
            }
            clock.advance(Duration.ofSeconds(61));
            detector.sweep();
            kept.close();

            assertThat(reporter.reports).containsExactly("held an object of pool buffers for 61 s",
                    "returned an object of pool buffers after 61 s");
        }
    }

    @Test
    void registryTracksRunsUntilTheyEnd() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Tool wait = Tool.builder("wait").description("Blocks until interrupted").handler((arguments, context) -> {
            started.countDown();
            new CountDownLatch(1).await();
            return "unreachable";
        }).build();
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("wait", "wait", turn -> ScriptStep.callTool("wait", "{}")).build();
        RunRegistry registry = new RunRegistry();
        registry.trackLeaks(detector);

        AgentRun run = registry.start(Agent.builder().model(model).tools(wait).build(), RunRequest.of("wait"));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofMinutes(2));
        detector.sweep();
        run.cancel("test over");
        run.result().get(20, TimeUnit.SECONDS);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> reporter.reports.size() == 2);
        assertThat(reporter.reports).containsExactly("held run " + run.id() + " for 120 s",
                "returned run " + run.id() + " after 120 s");
    }
}
