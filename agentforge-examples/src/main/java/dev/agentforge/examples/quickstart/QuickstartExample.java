package dev.agentforge.examples.quickstart;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.event.EventCodec;
import dev.agentforge.tool.Tool;
import java.io.PrintStream;
import java.util.Map;

/**
 * The smallest agent: one tool, an offline scripted model, and every event of the run printed as a
 * line of JSON. Replace the scripted model with any LangChain4j chat model to use a real one.
 */
public final class QuickstartExample {

    private static final Map<String, Integer> TEMPERATURES = Map.of("oslo", -3, "lisbon", 17, "tokyo", 9);

    private QuickstartExample() {
    }

    public static void main(String[] args) throws Exception {
        RunResult result = run("What is the weather in Oslo?", System.out);
        System.out.println("Answer: " + result.answer());
    }

    /** Runs the agent on one question, prints each event as JSON to {@code out}, and returns the result. */
    public static RunResult run(String question, PrintStream out) throws Exception {
        Tool weather = Tool.builder("get_weather")
                .description("Returns the current temperature in a city, in degrees Celsius")
                .parameters("""
                        {"type": "object",
                         "properties": {"city": {"type": "string", "description": "The city name, such as Oslo"}},
                         "required": ["city"]}""")
                .handler((arguments, context) -> {
                    String city = arguments.get("city").asString();
                    Integer celsius = TEMPERATURES.get(city.toLowerCase());
                    if (celsius == null) {
                        return "No weather data for " + city;
                    }
                    return Map.of("city", city, "celsius", celsius);
                })
                .build();

        // The scripted model stands in for a real one: it calls get_weather, then answers from the result.
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("weather", "weather in (\\w+)", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("get_weather", "{\"city\": \"" + turn.group(1) + "\"}")
                        : ScriptStep.answer("The weather data for " + turn.group(1) + ": " + turn.lastResult().text()))
                .build();

        Agent agent = Agent.builder().model(model).tools(weather).modelName("scripted").build();
        AgentRun run = agent.start(question);
        run.events().doOnNext(event -> out.println(EventCodec.toJson(event))).blockLast();
        return run.result().get();
    }
}
