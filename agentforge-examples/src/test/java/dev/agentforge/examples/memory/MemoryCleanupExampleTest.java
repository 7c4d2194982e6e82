package dev.agentforge.examples.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryCleanupExampleTest {

    @Test
    void levelsCleanUpRejectAndRecover() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        int runsLeft = MemoryCleanupExample.run(new PrintStream(output, true, StandardCharsets.UTF_8));

        List<String> lines = output.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).startsWith("finished runs held: 3, retaining about ");
        assertThat(lines.get(1)).isEqualTo("heap at 80 %: level SOFT_LIMIT, runs held: 0, cache entries: 0");
        assertThat(lines.get(2)).startsWith("heap at 95 %: rejected: Heap usage 972 MiB of 1024 MiB");
        assertThat(lines.get(3)).isEqualTo("heap at 50 %: level NORMAL, runs held: 1");
        assertThat(runsLeft).isEqualTo(1);
    }
}
