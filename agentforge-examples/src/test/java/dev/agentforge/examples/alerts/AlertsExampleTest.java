package dev.agentforge.examples.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AlertsExampleTest {

    @Test
    void breakerAlertReachesSlackAndEmail() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        AlertsExample.Result result = AlertsExample.run(new PrintStream(output, true, StandardCharsets.UTF_8));

        assertThat(result.slackPayloads().getFirst())
                .contains("\"text\":\":rotating_light: [CRITICAL] FIRING breaker_open (1 alert)\"")
                .contains("\"type\":\"header\"");
        assertThat(result.emailSubjects().getFirst()).isEqualTo("[CRITICAL] FIRING breaker_open (1 alert)");
        assertThat(result.slackPayloads()).hasSize(2);
        assertThat(result.slackPayloads().get(1)).contains("RESOLVED breaker_open");
        assertThat(result.emailSubjects()).containsExactly("[CRITICAL] FIRING breaker_open (1 alert)",
                "[CRITICAL] RESOLVED breaker_open (1 alert)");
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("breaker model:primary: CLOSED -> OPEN")
                .doesNotContain("example-token");
    }
}
