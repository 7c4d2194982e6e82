package dev.agentforge.monitor.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentforge.agent.AgentRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JfrEventsTest {

    @TempDir
    Path dir;

    @Test
    void recordingHoldsAgentEvents() throws Exception {
        SimulatedAgent simulated = new SimulatedAgent();
        AgentProfiler profiler = AgentProfiler.builder().clock(simulated.time).build().attach(simulated.executor);
        Path file = dir.resolve("agent.jfr");
        String runId;
        try (Recording recording = new Recording()) {
            recording.enable(RunEvent.NAME);
            recording.enable(ModelCallEvent.NAME);
            recording.enable(ToolCallEvent.NAME);
            recording.start();
            AgentRun run = simulated.agent.start("research something");
            profiler.watch(run);
            run.result().get(10, TimeUnit.SECONDS);
            runId = run.id();
            await().atMost(Duration.ofSeconds(5)).until(() -> profiler.runs().size() == 1);
            recording.stop();
            recording.dump(file);
        }

        List<RecordedEvent> events = RecordingFile.readAllEvents(file);

        List<RecordedEvent> runs = ofType(events, RunEvent.NAME);
        assertThat(runs).hasSize(1);
        RecordedEvent runEvent = runs.getFirst();
        assertThat(runEvent.getString("runId")).isEqualTo(runId);
        assertThat(runEvent.getString("model")).isEqualTo("scripted");
        assertThat(runEvent.getString("outcome")).isEqualTo("done");
        assertThat(runEvent.getDuration("elapsed")).isEqualTo(Duration.ofMillis(2620));
        assertThat(runEvent.getLong("retainedBytes")).isPositive();
        assertThat(runEvent.getEventType().getCategoryNames()).containsExactly("AgentForge");

        List<RecordedEvent> modelCalls = ofType(events, ModelCallEvent.NAME);
        assertThat(modelCalls).hasSize(3);
        assertThat(modelCalls).allSatisfy(call -> assertThat(call.getDuration("elapsed")).isEqualTo(Duration.ofMillis(200)));
        assertThat(modelCalls).extracting(call -> call.getString("outcome"))
                .containsExactlyInAnyOrder("tool_calls", "tool_calls", "done");

        List<RecordedEvent> toolCalls = ofType(events, ToolCallEvent.NAME);
        assertThat(toolCalls).extracting(call -> call.getString("toolName")).containsExactlyInAnyOrder("lookup", "search");
        RecordedEvent search = toolCalls.stream().filter(call -> call.getString("toolName").equals("search")).findFirst()
                .orElseThrow();
        assertThat(search.getString("runId")).isEqualTo(runId);
        assertThat(search.getString("outcome")).isEqualTo("SUCCEEDED");
        assertThat(search.getString("pool")).isEqualTo("default");
        assertThat(search.getDuration("ran")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Files.size(file)).isPositive();
    }

    private static List<RecordedEvent> ofType(List<RecordedEvent> events, String name) {
        return events.stream().filter(event -> event.getEventType().getName().equals(name)).toList();
    }
}
