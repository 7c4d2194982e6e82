package dev.agentforge.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class EventCodecTest {

    private static final Instant AT = Instant.parse("2026-12-04T10:15:30.123Z");

    private static List<AgentEvent> oneOfEach() {
        return List.of(
                new RunStarted("run_1", 1, AT, "How much?", "scripted", "offline model", "anonymous"),
                new Thought("run_1", 2, AT, "I should query the orders."),
                new Action("run_1", 3, AT, "call_1", "sql_query", "{\"sql\":\"SELECT 1\"}"),
                new Observation("run_1", 4, AT, "call_1", "sql_query", "{\"rows\":[[1]]}", null, 12),
                new Observation("run_1", 5, AT, "call_2", "calculator", null, "Division by zero", 1),
                new Progress("run_1", 6, AT, 2, null, "querying"),
                new Token("run_1", 7, AT, " The"),
                new ErrorEvent("run_1", 8, AT, ErrorCodes.MODEL_OVERLOADED, "Overloaded", true, "Let me", false),
                new RunCompleted("run_1", 9, AT, "The total is 12.", new Usage(10, 5, 15)),
                new RunCancelled("run_2", 3, AT, "user left"));
    }

    @Test
    void everyEventRoundTrips() {
        for (AgentEvent event : oneOfEach()) {
            String json = EventCodec.toJson(event);

            assertThat(EventCodec.fromJson(json)).as(json).isEqualTo(event);
        }
    }

    @Test
    void typeFieldIsTheEventName() {
        for (AgentEvent event : oneOfEach()) {
            JsonNode json = EventCodec.mapper().readTree(EventCodec.toJson(event));

            assertThat(json.get("type").asString()).isEqualTo(event.type());
        }
    }

    @Test
    void actionHasStableFieldNames() {
        String json = EventCodec.toJson(new Action("run_1", 3, AT, "call_1", "sql_query", "{\"sql\":\"SELECT 1\"}"));

        assertThat(json).isEqualTo("{\"type\":\"action\",\"runId\":\"run_1\",\"sequence\":3,"
                + "\"timestamp\":\"2026-12-04T10:15:30.123Z\",\"callId\":\"call_1\",\"tool\":\"sql_query\","
                + "\"arguments\":\"{\\\"sql\\\":\\\"SELECT 1\\\"}\"}");
    }

    @Test
    void doneCarriesAnswerAndUsage() {
        JsonNode json = EventCodec.mapper().readTree(
                EventCodec.toJson(new RunCompleted("run_1", 9, AT, "42", new Usage(10, 5, 15))));

        assertThat(json.get("type").asString()).isEqualTo("done");
        assertThat(json.get("answer").asString()).isEqualTo("42");
        assertThat(json.get("usage").get("inputTokens").asLong()).isEqualTo(10);
        assertThat(json.get("usage").get("outputTokens").asLong()).isEqualTo(5);
        assertThat(json.get("usage").get("totalTokens").asLong()).isEqualTo(15);
    }

    @Test
    void observationOmitsTheAbsentSide() {
        String success = EventCodec.toJson(new Observation("r", 1, AT, "c", "t", "ok", null, 3));
        String failure = EventCodec.toJson(new Observation("r", 1, AT, "c", "t", null, "bad", 3));

        assertThat(success).contains("\"result\":\"ok\"").doesNotContain("\"error\"");
        assertThat(failure).contains("\"error\":\"bad\"").doesNotContain("\"result\"");
    }

    @Test
    void unknownFieldsAreIgnored() {
        AgentEvent event = EventCodec.fromJson("{\"type\":\"token\",\"runId\":\"r\",\"sequence\":1,"
                + "\"timestamp\":\"2026-12-04T10:15:30.123Z\",\"text\":\"hi\",\"addedLater\":true}");

        assertThat(event).isEqualTo(new Token("r", 1, AT, "hi"));
    }

    @Test
    void unknownTypeIsRejected() {
        assertThatThrownBy(() -> EventCodec.fromJson("{\"type\":\"nope\",\"runId\":\"r\",\"sequence\":1}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid agent event JSON");
    }

    @Test
    void terminalEvents() {
        assertThat(new RunCompleted("r", 1, AT, "a", Usage.ZERO).terminal()).isTrue();
        assertThat(new RunCancelled("r", 1, AT, "x").terminal()).isTrue();
        assertThat(new ErrorEvent("r", 1, AT, "c", "m", false, null, true).terminal()).isTrue();
        assertThat(new ErrorEvent("r", 1, AT, "c", "m", false, null, false).terminal()).isFalse();
        assertThat(new Token("r", 1, AT, "t").terminal()).isFalse();
    }
}
