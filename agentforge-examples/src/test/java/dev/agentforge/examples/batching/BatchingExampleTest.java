package dev.agentforge.examples.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchingExampleTest {

    @Test
    void lookupsShareBatchRequests() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        BatchingExample.Result result = BatchingExample.run(new PrintStream(output, true, StandardCharsets.UTF_8));

        assertThat(result.names().getFirst()).isEqualTo("User 1");
        assertThat(result.lookups()).isEqualTo(30);
        assertThat(result.httpRequests()).isBetween(3, 29);
        assertThat(result.names().get(28)).as("the repeated id").isEqualTo("User 7");
        assertThat(result.names().getLast()).as("the unknown id").isEqualTo(
                "error: The batch function of batcher 'users' returned no result for key 404 among "
                        + result.names().getLast().replaceAll(".* among (\\d+) .*", "$1") + " requested keys");
        assertThat(output.toString(StandardCharsets.UTF_8).lines().findFirst()).contains("user 1 -> User 1");
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("30 lookups were served by " + result.httpRequests() + " HTTP requests");
    }
}
