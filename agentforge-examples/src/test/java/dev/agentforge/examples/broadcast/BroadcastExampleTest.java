package dev.agentforge.examples.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BroadcastExampleTest {

    @Test
    void stuckWatcherClosedOthersComplete() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

        BroadcastExample.Result result = BroadcastExample.run(out);

        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(printed.lines().findFirst().orElseThrow()).startsWith("Started run run_").contains("ws://127.0.0.1:");
        assertThat(result.watchers()).hasSize(BroadcastExample.HEALTHY_WATCHERS + 1);
        for (BroadcastExample.WatcherReport healthy : result.watchers().subList(0, BroadcastExample.HEALTHY_WATCHERS)) {
            assertThat(healthy.events()).as(healthy.name()).isEqualTo((int) result.lastSequence());
            assertThat(healthy.lastSequence()).as(healthy.name()).isEqualTo(result.lastSequence());
            assertThat(healthy.gapless()).as(healthy.name()).isTrue();
            assertThat(healthy.closeCode()).as(healthy.name()).isNull();
        }
        BroadcastExample.WatcherReport stuck = result.watchers().getLast();
        assertThat(stuck.closeCode()).isEqualTo(1013);
        assertThat(stuck.closeReason()).contains("reconnect and resume");
        assertThat(stuck.lastSequence()).isLessThan(result.lastSequence());
        assertThat(stuck.gapless()).isTrue();
        assertThat(printed).contains("stuck watcher: ").contains("closed with 1013");
    }
}
