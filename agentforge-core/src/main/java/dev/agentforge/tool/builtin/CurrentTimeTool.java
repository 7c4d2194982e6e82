package dev.agentforge.tool.builtin;

import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool, named {@code current_time}, that returns the current date and time in a time zone. The
 * optional argument {@code {"timezone": "Europe/Oslo"}} takes an IANA time zone id or a UTC offset such
 * as {@code +02:00}, and defaults to UTC. The result is
 * {@code {"timezone", "iso", "date", "time", "dayOfWeek"}}, to the second.
 *
 * <p>The time comes from the {@link Clock} given to the constructor, so tests can fix it.
 */
public final class CurrentTimeTool implements Tool {

    /** The default tool name. */
    public static final String NAME = "current_time";

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final JsonNode PARAMETERS = MAPPER.readTree("""
            {
              "type": "object",
              "properties": {
                "timezone": {
                  "type": "string",
                  "description": "IANA time zone id such as Europe/Oslo, America/New_York or Asia/Tokyo; UTC when omitted"
                }
              },
              "additionalProperties": false
            }
            """);

    private final String name;
    private final Clock clock;

    /** Creates the tool with the name {@value #NAME}, reading the time from {@code clock}. */
    public CurrentTimeTool(Clock clock) {
        this(NAME, clock);
    }

    /** Creates the tool with another name, reading the time from {@code clock}. */
    public CurrentTimeTool(String name, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "Returns the current date and time as {\"timezone\", \"iso\", \"date\", \"time\", \"dayOfWeek\"}. "
                + "Pass an IANA time zone id such as Europe/Oslo or Asia/Tokyo in timezone; the default is UTC. "
                + "Use it whenever the answer depends on today's date or the current time.";
    }

    @Override
    public JsonNode parameters() {
        return PARAMETERS;
    }

    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws ToolException {
        String requested = arguments.path("timezone").asString("").strip();
        ZoneId zone = requested.isEmpty() ? ZoneOffset.UTC : parseZone(requested);
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(zone)).truncatedTo(ChronoUnit.SECONDS);
        ObjectNode result = MAPPER.createObjectNode();
        result.put("timezone", requested.isEmpty() ? "UTC" : zone.getId());
        result.put("iso", now.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        result.put("date", now.toLocalDate().toString());
        result.put("time", now.toLocalTime().format(DateTimeFormatter.ISO_LOCAL_TIME));
        result.put("dayOfWeek", now.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        return MAPPER.writeValueAsString(result);
    }

    private static ZoneId parseZone(String requested) throws ToolException {
        try {
            return ZoneId.of(requested);
        } catch (DateTimeException e) {
            throw new ToolException("Unknown time zone '" + requested + "'. Pass an IANA time zone id such as "
                    + "'Europe/Oslo', 'America/New_York' or 'Asia/Tokyo' (Region/City, not a city name alone), "
                    + "or omit timezone for UTC.");
        }
    }
}
