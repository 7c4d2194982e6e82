package dev.agentforge.examples.progress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.agent.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProgressExampleTest {

    @Test
    void cancelsThenResumesWithEta() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        ProgressExample.Result result = ProgressExample.run(new PrintStream(output, true, StandardCharsets.UTF_8));

        assertThat(result.messages().getFirst())
                .isEqualTo("progress: converted file 1: 1 of 50 (2.0 %), about 4 min 54 s left");
        assertThat(result.cancelledRun().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(result.cancelledRun().cancelReason()).isEqualTo("the user pressed stop");
        assertThat(result.resumedRun().status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.messages()).contains(
                "progress: converted file 30: 30 of 50 (60.0 %), about 2 min 0 s left",
                "run ended: CANCELLED (the user pressed stop)",
                "progress: converted file 31: 31 of 50 (62.0 %), about 1 min 54 s left",
                "progress: all files converted: 50 of 50 (100.0 %), done",
                "run ended: COMPLETED, answer: All files are converted.");
        assertThat(output.toString(StandardCharsets.UTF_8).lines().findFirst()).contains(result.messages().getFirst());
    }
}
