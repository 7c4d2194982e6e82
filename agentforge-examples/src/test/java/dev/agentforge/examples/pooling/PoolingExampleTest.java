package dev.agentforge.examples.pooling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.monitor.ReadinessContributor.Status;
import dev.agentforge.monitor.ReadinessRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolingExampleTest {

    @Test
    void bothPoolsAreReady() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

        ReadinessRegistry.Report report = PoolingExample.run(out);

        assertThat(report.ready()).isTrue();
        assertThat(report.statuses()).extracting(Status::name).containsExactly("database", "price-api");
        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(printed.lines().findFirst().orElseThrow()).isEqualTo("Database says: hello from H2");
        assertThat(printed).contains("API says: 200 {\"sku\":\"A-1\",\"price\":12.5}");
        assertThat(printed).contains("Readiness: UP");
        assertThat(printed).contains("  database: UP - pool example-db at jdbc:h2:mem:pooling_");
        assertThat(printed).contains("  price-api: UP - GET http://127.0.0.1:");
        assertThat(printed).contains("  hikaricp.connections.max = 4");
    }
}
