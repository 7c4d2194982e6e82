package dev.agentforge.examples.progress;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.Progress;
import dev.agentforge.progress.ProgressTracker;
import dev.agentforge.tool.Tool;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A long multi-step run with progress, an estimated time left and a cancel, on a simulated clock so it
 * runs at once. A tool converts 50 files, 6 simulated seconds each, and reports each file through a
 * {@link ProgressTracker} as a {@code progress} event of the run. The user cancels the first run after 30
 * files. A second run resumes at file 31: its tracker is timed from the resume point, so its first
 * estimate is 19 files of 6 s, not a guess skewed by the files done before.
 */
public final class ProgressExample {

    private static final int FILES = 50;
    private static final Duration PER_FILE = Duration.ofSeconds(6);
    private static final int CANCEL_AFTER = 30;

    /** The outcome of both runs and the progress messages printed. */
    public record Result(RunResult cancelledRun, RunResult resumedRun, List<String> messages) {
    }

    private ProgressExample() {
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Runs the cancelled and the resumed conversion, prints their progress, and returns both results. */
    public static Result run(PrintStream out) throws Exception {
        SimulatedClock clock = new SimulatedClock();
        AtomicReference<ProgressTracker> tracker = new AtomicReference<>();
        AtomicReference<CountDownLatch> trackerReady = new AtomicReference<>();
        CountDownLatch reachedCancelPoint = new CountDownLatch(1);
        Tool convert = Tool.builder("convert_files")
                .description("Converts the files from the given one on; takes 6 s per file")
                .handler((arguments, context) -> {
                    trackerReady.get().await();
                    ProgressTracker progress = tracker.get();
                    int first = (int) progress.snapshot().current() + 1;
                    for (int file = first; file <= FILES; file++) {
                        clock.advance(PER_FILE);
                        if (!progress.advance(1, "converted file " + file)) {
                            return "stopped at file " + file;
                        }
                        if (file == CANCEL_AFTER && first == 1) {
                            reachedCancelPoint.countDown();
                            // The user cancels now; the cancel interrupts this wait.
                            new CountDownLatch(1).await();
                        }
                    }
                    progress.complete("all files converted");
                    return "converted " + FILES + " files";
                })
                .build();
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("convert", "convert", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("convert_files", "{}")
                        : ScriptStep.answer("All files are converted."))
                .build();
        Agent agent = Agent.builder().model(model).tools(convert).modelName("scripted").build();

        trackerReady.set(new CountDownLatch(1));
        AgentRun first = agent.start("convert the files");
        tracker.set(ProgressTracker.builder(clock).total(FILES).reportTo(first).build());
        trackerReady.get().countDown();
        reachedCancelPoint.await();
        first.cancel("the user pressed stop");
        RunResult cancelled = first.result().get(30, TimeUnit.SECONDS);
        List<String> messages = new ArrayList<>(print(out, first));

        trackerReady.set(new CountDownLatch(1));
        AgentRun second = agent.start("convert the files");
        tracker.set(ProgressTracker.builder(clock).total(FILES).resumeFrom(CANCEL_AFTER).reportTo(second).build());
        trackerReady.get().countDown();
        RunResult resumed = second.result().get(30, TimeUnit.SECONDS);
        messages.addAll(print(out, second));
        return new Result(cancelled, resumed, messages);
    }

    // Prints the first progress event, every tenth file, the last one and the run's end.
    private static List<String> print(PrintStream out, AgentRun run) {
        List<AgentEvent> events = run.events().collectList().block(Duration.ofSeconds(30));
        List<Progress> progress = events.stream().filter(Progress.class::isInstance).map(Progress.class::cast).toList();
        List<String> printed = new ArrayList<>();
        for (int i = 0; i < progress.size(); i++) {
            Progress event = progress.get(i);
            if (i == 0 || event.current() % 10 == 0 || i == progress.size() - 1) {
                String line = "progress: " + event.message();
                printed.add(line);
                out.println(line);
            }
        }
        RunResult result = run.result().join();
        String end = "run ended: " + result.status()
                + (result.cancelReason() != null ? " (" + result.cancelReason() + ")" : ", answer: " + result.answer());
        printed.add(end);
        out.println(end);
        return printed;
    }

    /** A clock that moves only when the example advances it, standing in for the time the work takes. */
    private static final class SimulatedClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T09:00:00Z");

        synchronized void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the simulated clock is always UTC");
        }
    }
}
