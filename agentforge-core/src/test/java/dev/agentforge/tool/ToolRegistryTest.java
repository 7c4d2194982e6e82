package dev.agentforge.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ToolRegistryTest {

    private static final String WEATHER_SCHEMA = """
            {"type": "object",
             "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}},
             "required": ["city"],
             "additionalProperties": false}""";

    private static Tool weather() {
        return Tool.builder("get_weather")
                .description("Weather forecast for a city")
                .parameters(WEATHER_SCHEMA)
                .handler((arguments, context) -> "Sunny in " + arguments.get("city").asString())
                .build();
    }

    static class Calendar {
        @dev.langchain4j.agent.tool.Tool("Adds days to a day number")
        int addDays(@P("day") int day, @P("days") int days) {
            return day + days;
        }

        @dev.langchain4j.agent.tool.Tool("Greets someone")
        String greet(@P("name") String name) {
            return "Hello, " + name;
        }
    }

    @Test
    void unknownToolListsAvailableTools() {
        ToolRegistry registry = ToolRegistry.of(weather());

        assertThatThrownBy(() -> registry.validate("get_wether", "{}"))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("Unknown tool 'get_wether'")
                .hasMessageContaining("Available tools: get_weather");
    }

    @Test
    void invalidJsonIsReported() {
        ToolRegistry registry = ToolRegistry.of(weather());

        assertThatThrownBy(() -> registry.validate("get_weather", "{\"city\":"))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void nonObjectArgumentsAreReported() {
        ToolRegistry registry = ToolRegistry.of(weather());

        assertThatThrownBy(() -> registry.validate("get_weather", "[1]"))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("must be a JSON object, got array");
    }

    @Test
    void schemaViolationsNameTheFields() {
        ToolRegistry registry = ToolRegistry.of(weather());

        assertThatThrownBy(() -> registry.validate("get_weather", "{\"days\": \"two\"}"))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("Invalid arguments for tool 'get_weather'")
                .hasMessageContaining("city")
                .hasMessageContaining("days");
    }

    @Test
    void validArgumentsPass() throws ToolException {
        ToolRegistry registry = ToolRegistry.of(weather());

        ToolRegistry.ValidatedCall call = registry.validate("get_weather", "{\"city\": \"Oslo\", \"days\": 2}");

        assertThat(call.tool().name()).isEqualTo("get_weather");
        assertThat(call.arguments().get("days").asInt()).isEqualTo(2);
    }

    @Test
    void emptyArgumentsMeanAnEmptyObject() throws ToolException {
        Tool noArguments = Tool.builder("ping").description("Ping").handler((a, c) -> "pong").build();
        ToolRegistry registry = ToolRegistry.of(noArguments);

        assertThat(registry.validate("ping", "").arguments().isEmpty()).isTrue();
    }

    @Test
    void duplicateNamesAreRejected() {
        ToolRegistry registry = ToolRegistry.of(weather());

        assertThatThrownBy(() -> registry.register(weather()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
    }

    @Test
    void invalidToolNameIsRejected() {
        assertThatThrownBy(() -> Tool.builder("get weather"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid tool name 'get weather'");
    }

    @Test
    void nonObjectSchemaIsRejected() {
        assertThatThrownBy(() -> Tool.builder("t").parameters("{\"type\": \"string\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"type\": \"object\"");
    }

    @Test
    void specificationsCarryTheSchema() {
        ToolRegistry registry = ToolRegistry.of(weather());

        ToolSpecification specification = registry.specifications().getFirst();

        assertThat(specification.name()).isEqualTo("get_weather");
        assertThat(specification.description()).isEqualTo("Weather forecast for a city");
        assertThat(specification.parameters().properties()).containsKeys("city", "days");
        assertThat(specification.parameters().required()).containsExactly("city");
    }

    @Test
    void annotatedMethodsBecomeTools() throws Exception {
        ToolRegistry registry = new ToolRegistry().registerAnnotated(new Calendar());

        assertThat(registry.names()).containsExactlyInAnyOrder("addDays", "greet");
        ToolRegistry.ValidatedCall call = registry.validate("addDays", "{\"day\": 3, \"days\": 4}");
        Object result = call.tool().execute(call.arguments(), new ToolContext("r", "c", "anonymous"));
        assertThat(result).isEqualTo(7);
    }

    @Test
    void annotatedMethodArgumentsAreValidated() {
        ToolRegistry registry = new ToolRegistry().registerAnnotated(new Calendar());

        assertThatThrownBy(() -> registry.validate("addDays", "{\"day\": \"three\", \"days\": 4}"))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("day");
    }

    @Test
    void objectWithoutAnnotatedMethodsIsRejected() {
        assertThatThrownBy(() -> new ToolRegistry().registerAnnotated(new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no method annotated");
    }

    @Test
    void toolsKeepRegistrationOrder() {
        Tool a = Tool.builder("a").description("a").handler((x, c) -> "a").build();
        Tool b = Tool.builder("b").description("b").handler((x, c) -> "b").build();

        assertThat(ToolRegistry.of(b, a).tools()).extracting(Tool::name).isEqualTo(List.of("b", "a"));
    }

    @Test
    void parametersDefaultToAnEmptyObject() {
        JsonNode parameters = Tool.builder("t").description("d").handler((a, c) -> "").build().parameters();

        assertThat(parameters.get("type").asString()).isEqualTo("object");
    }
}
