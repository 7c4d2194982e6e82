package dev.agentforge.examples.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthChecksExampleTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void printsLiveReadyAndDetails() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

        List<HealthChecksExample.Probe> probes = HealthChecksExample.run(out);

        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(printed.lines().findFirst().orElseThrow()).isEqualTo("GET /health/live -> 200");
        assertThat(probes).extracting(HealthChecksExample.Probe::path)
                .containsExactly("/health/live", "/health/ready", "/health");
        assertThat(probes.get(0).status()).isEqualTo(200);

        HealthChecksExample.Probe ready = probes.get(1);
        assertThat(ready.status()).isEqualTo(503);
        assertThat(state(ready, "pricing-api")).isEqualTo("TIMEOUT");
        assertThat(state(ready, "database")).isEqualTo("UP");
        assertThat(state(ready, "circuit-breakers")).isEqualTo("UP");

        HealthChecksExample.Probe details = probes.get(2);
        assertThat(state(details, "circuit-breakers")).isEqualTo("DEGRADED");
        assertThat(check(details, "circuit-breakers").get("details").get("tool:search").get("state").asString())
                .isEqualTo("OPEN");
        assertThat(check(details, "database").get("reason").asString()).contains("pool example-db");
        assertThat(printed).contains("Opened the circuit breaker tool:search");
    }

    private static String state(HealthChecksExample.Probe probe, String name) {
        return check(probe, name).get("state").asString();
    }

    private static JsonNode check(HealthChecksExample.Probe probe, String name) {
        for (JsonNode check : JSON.readTree(probe.body()).get("checks")) {
            if (check.get("name").asString().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("No check named " + name + " in " + probe.body());
    }
}
