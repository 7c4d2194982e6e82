package dev.agentforge.examples.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketChatExampleTest {

    @Test
    void chatAnswersAndCancels() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

        WebSocketChatExample.Result result = WebSocketChatExample.run(out);

        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(printed.lines().findFirst().orElseThrow()).isEqualTo("user: Book a table for two");
        assertThat(result.question()).isEqualTo("Which day and time?");
        assertThat(result.bookingAnswer()).isEqualTo("Booked a table for two on Friday at 8");
        assertThat(result.cancelReason()).isEqualTo("the user cancelled the search");
        assertThat(result.transcript()).containsSubsequence(
                "user: Book a table for two",
                "agent asks: Which day and time?",
                "user: Friday at 8",
                "agent: Booked a table for two on Friday at 8",
                "agent is calling search_archive",
                "user: (cancels)",
                "agent: run cancelled (the user cancelled the search)");
    }
}
