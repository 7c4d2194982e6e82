package dev.agentforge.examples.tools;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolException;
import dev.agentforge.tool.compose.CachingTool;
import dev.agentforge.tool.compose.Compose;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A research tool built by composition: two search sources run in parallel, the best hit is fetched,
 * and the page is cut down to a summary. The whole pipeline is cached for ten minutes by its arguments.
 * The sources are local stand-ins with fixed data, so the example runs offline.
 */
public final class ResearchPipelineExample {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String QUERY_SCHEMA = """
            {"type":"object","properties":{"topic":{"type":"string"}},"required":["topic"]}""";

    private ResearchPipelineExample() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("Answer: " + run(System.out).answer());
    }

    /** Researches one topic twice, and the second call gets its result from the cache. */
    public static RunResult run(PrintStream out) throws Exception {
        CachingTool research = researchTool();
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("research", "research", turn -> turn.results().size() < 2
                        ? ScriptStep.callTool("research", "{\"topic\":\"virtual threads\"}")
                        : ScriptStep.answer(turn.results().getFirst().text()))
                .build();
        Agent agent = Agent.builder().model(model).tools(research).modelName("scripted").build();

        RunResult result = agent.start("Research virtual threads").result().get();
        out.println("research calls: " + (research.hits() + research.misses()) + ", answered from cache: " + research.hits());
        return result;
    }

    /** Builds the composed tool: parallel search, pick the best hit, fetch, summarise, cache. */
    static CachingTool researchTool() {
        Tool web = source("web_search", List.of(Map.of("url", "https://docs.example/jep-444", "score", 0.9)));
        Tool wiki = source("wiki_search", List.of(Map.of("url", "https://wiki.example/threads", "score", 0.6)));
        Tool search = Compose.parallel("search_all", "Searches every source for a topic").tool(web).tool(wiki).build();
        Tool fetch = Tool.builder("fetch").description("Fetches a page by URL")
                .parameters("{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\"}},\"required\":[\"url\"]}")
                .handler((arguments, context) -> switch (arguments.get("url").asString()) {
                    case "https://docs.example/jep-444" -> "Virtual threads are lightweight threads scheduled by the JDK."
                            + " They make blocking code scale. They arrived in Java 21.";
                    case "https://wiki.example/threads" -> "A thread is a unit of execution.";
                    default -> throw new ToolException("No page at " + arguments.get("url").asString());
                })
                .build();
        Tool summarise = Compose.transform("summarise", "Keeps the first sentence of a page", fetch,
                page -> page.asString().substring(0, page.asString().indexOf('.') + 1));
        Tool pipeline = Compose.sequence("research", "Researches a topic and returns a one-sentence summary")
                .first(search)
                .then(summarise, ResearchPipelineExample::bestUrl)
                .build();
        return Compose.cache(pipeline, Duration.ofMinutes(10));
    }

    // Picks the hit with the highest score across the sources that returned hits.
    private static JsonNode bestUrl(JsonNode results, JsonNode arguments) {
        JsonNode best = null;
        for (JsonNode source : results) {
            for (JsonNode hit : source.path("hits")) {
                if (best == null || hit.get("score").asDouble() > best.get("score").asDouble()) {
                    best = hit;
                }
            }
        }
        ObjectNode input = MAPPER.createObjectNode();
        input.put("url", best == null ? "" : best.get("url").asString());
        return input;
    }

    private static Tool source(String name, List<Map<String, Object>> hits) {
        return Tool.builder(name).description("Searches " + name.replace("_search", "") + " for a topic")
                .parameters(QUERY_SCHEMA)
                .handler((arguments, context) -> Map.of("topic", arguments.get("topic").asString(), "hits", hits))
                .build();
    }
}
