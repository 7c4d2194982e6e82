package dev.agentforge.examples.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SseBrowserExampleTest {

    @Test
    void pageAndStreamShareOrigin() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

        SseBrowserExample.Result result = SseBrowserExample.run(out);

        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(printed.lines().findFirst().orElseThrow()).startsWith("GET http://127.0.0.1:").contains(" -> 200");
        assertThat(result.pageUrl().getHost()).isEqualTo("127.0.0.1");
        assertThat(result.page()).contains("new EventSource(\"/v1/runs/\"").contains("fetch(\"/v1/runs\"");
        assertThat(result.events()).isNotEmpty();
        assertThat(result.events().getFirst()).isInstanceOf(RunStarted.class);
        assertThat(result.events().getLast()).isInstanceOf(RunCompleted.class);
        assertThat(((RunCompleted) result.events().getLast()).answer()).isEqualTo("2 + 3 = 5");
        for (int i = 0; i < result.events().size(); i++) {
            assertThat(result.events().get(i).sequence()).isEqualTo(i + 1L);
        }
        assertThat(printed).contains("\"type\":\"run_started\"").contains("\"type\":\"done\"");
    }
}
