package dev.agentforge.examples.profiling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProfilingExampleTest {

    @Test
    void reportNamesSlowToolAsBottleneck() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        ProfilingExample.Result result = ProfilingExample.run(new PrintStream(output, true, StandardCharsets.UTF_8));

        assertThat(result.bottleneck()).isEqualTo("tool_call search_catalog");
        // Per run: 3 model calls of 250 ms, 30 ms lookup, 1.5 s search, so 1.5 of 2.28 s.
        assertThat(result.shareOfWallTime()).isCloseTo(1.5 / 2.28, within(0.001));
        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("Bottleneck by total time: tool_call search_catalog takes 65.8% of run wall time");
        assertThat(printed).contains("Bottleneck by tail latency: tool_call search_catalog has the highest p99");
        String html = Files.readString(result.htmlReport());
        assertThat(html).contains("<svg").contains("tool_call search_catalog");
        Files.delete(result.htmlReport());
    }
}
