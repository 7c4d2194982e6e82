package dev.agentforge.examples.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlowClientExampleTest {

    @Test
    void coalescesAndAnnouncesDrops() {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        SlowClientExample.Result result = SlowClientExample.run(new PrintStream(output, true, StandardCharsets.UTF_8));

        List<String> lines = output.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.getFirst()).isEqualTo("coalescing: 300 tokens sent as 30 frames, one per sentence of up to 120 chars");
        assertThat(result.coalescedFrames()).isEqualTo(30);
        assertThat(result.coalescePolicyDropped()).isZero();
        assertThat(result.firstDropNotice()).isNotNull();
        assertThat(result.firstDropNotice().count()).isPositive();
        assertThat(lines).contains("  run_started 1", "  event: events_dropped", "  action 152", "  observation 153",
                "  done 304");
        assertThat(lines).noneMatch(line -> line.startsWith("  id:"));
    }
}
