package dev.agentforge.examples.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FallbackModelExampleTest {

    @Test
    void fallbackAnswersAndBreakerOpens() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        FallbackModelExample.Result result = FallbackModelExample.run(new PrintStream(output, true, StandardCharsets.UTF_8));

        assertThat(result.answers().getFirst()).isEqualTo("Paris is the capital of France.");
        assertThat(result.answers()).containsExactlyElementsOf(Collections.nCopies(6, "Paris is the capital of France."));
        assertThat(result.primaryCalls()).isEqualTo(4);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains(
                "breaker model:primary: CLOSED -> OPEN because the failure rate 100.0% reached the threshold 50.0%");
    }
}
