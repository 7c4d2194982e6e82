package dev.agentforge.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import dev.agentforge.tool.ToolRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CurrentTimeToolTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final ToolContext CONTEXT = new ToolContext("run_1", "call_1", "anonymous");
    // 2025-01-15 is a Wednesday. Oslo is at UTC+1 in January, and Tokyo at UTC+9.
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-15T12:34:56.789Z"), ZoneOffset.UTC);

    private final CurrentTimeTool tool = new CurrentTimeTool(CLOCK);

    @Test
    void defaultsToUtc() throws Exception {
        JsonNode result = run("{}");

        assertThat(result.path("timezone").asString()).isEqualTo("UTC");
        assertThat(result.path("iso").asString()).isEqualTo("2025-01-15T12:34:56Z");
        assertThat(result.path("date").asString()).isEqualTo("2025-01-15");
        assertThat(result.path("time").asString()).isEqualTo("12:34:56");
        assertThat(result.path("dayOfWeek").asString()).isEqualTo("Wednesday");
    }

    @Test
    void usesRequestedZone() throws Exception {
        JsonNode result = run("{\"timezone\": \"Europe/Oslo\"}");

        assertThat(result.path("timezone").asString()).isEqualTo("Europe/Oslo");
        assertThat(result.path("iso").asString()).isEqualTo("2025-01-15T13:34:56+01:00");
        assertThat(result.path("time").asString()).isEqualTo("13:34:56");
    }

    @Test
    void zoneCanChangeDate() throws Exception {
        Clock lateEvening = Clock.fixed(Instant.parse("2025-01-15T20:00:00Z"), ZoneOffset.UTC);

        JsonNode result = MAPPER.readTree((String) new CurrentTimeTool(lateEvening)
                .execute(MAPPER.readTree("{\"timezone\": \"Asia/Tokyo\"}"), CONTEXT));

        assertThat(result.path("date").asString()).isEqualTo("2025-01-16");
        assertThat(result.path("time").asString()).isEqualTo("05:00:00");
        assertThat(result.path("dayOfWeek").asString()).isEqualTo("Thursday");
    }

    @Test
    void acceptsUtcOffset() throws Exception {
        JsonNode result = run("{\"timezone\": \"+05:30\"}");

        assertThat(result.path("iso").asString()).isEqualTo("2025-01-15T18:04:56+05:30");
    }

    @Test
    void blankZoneMeansUtc() throws Exception {
        JsonNode result = run("{\"timezone\": \"  \"}");

        assertThat(result.path("timezone").asString()).isEqualTo("UTC");
    }

    @Test
    void rejectsUnknownZone() {
        assertThatThrownBy(() -> run("{\"timezone\": \"Tokyo\"}"))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("Unknown time zone 'Tokyo'")
                .hasMessageContaining("Europe/Oslo");
    }

    @Test
    void registryAcceptsSchema() throws ToolException {
        ToolRegistry registry = ToolRegistry.of(tool);

        assertThat(registry.validate("current_time", "{}").tool()).isSameAs(tool);
        assertThatThrownBy(() -> registry.validate("current_time", "{\"timezone\": 5}"))
                .isInstanceOf(ToolException.class);
    }

    private JsonNode run(String arguments) throws Exception {
        return MAPPER.readTree((String) tool.execute(MAPPER.readTree(arguments), CONTEXT));
    }
}
