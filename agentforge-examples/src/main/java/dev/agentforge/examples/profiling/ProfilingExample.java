package dev.agentforge.examples.profiling;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.monitor.profile.AgentProfiler;
import dev.agentforge.monitor.profile.ProfileReport;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolExecutor;
import dev.agentforge.tool.ToolRegistry;
import dev.agentforge.tool.testing.ManualTime;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Profiling that finds a bottleneck. An order-support agent looks up the order (30 ms), then searches
 * the catalog (1.5 s), then replies. Each model call takes 250 ms. The latencies are simulated on
 * manual time, so the example runs in well under a second. After ten runs the profiler's report names
 * the catalog search as the step that dominates both total time and p99, and the HTML report with its
 * charts goes to a temporary file.
 */
public final class ProfilingExample {

    static final Duration MODEL_LATENCY = Duration.ofMillis(250);
    static final Duration LOOKUP_LATENCY = Duration.ofMillis(30);
    static final Duration SEARCH_LATENCY = Duration.ofMillis(1500);

    private ProfilingExample() {
    }

    /**
     * The outcome of the example.
     *
     * @param bottleneck the label of the step that dominates total time, such as {@code tool_call search_catalog}
     * @param shareOfWallTime that step's share of run wall time, from 0 to 1
     * @param report the text report
     * @param htmlReport the file the HTML report was written to
     */
    public record Result(String bottleneck, double shareOfWallTime, String report, Path htmlReport) {
    }

    public static void main(String[] args) throws Exception {
        Result result = run(System.out);
        System.out.println("HTML report: " + result.htmlReport());
    }

    /** Runs ten simulated runs under the profiler and prints the text report. */
    public static Result run(PrintStream out) throws Exception {
        ManualTime time = new ManualTime();
        ToolRegistry registry = ToolRegistry.of(
                Tool.builder("lookup_order").description("Finds an order by id")
                        .handler((arguments, context) -> {
                            time.advance(LOOKUP_LATENCY);
                            return "{\"order\":\"A-1001\",\"item\":\"kettle\"}";
                        }).build(),
                Tool.builder("search_catalog").description("Searches the product catalog")
                        .handler((arguments, context) -> {
                            time.advance(SEARCH_LATENCY);
                            return "{\"replacement\":\"kettle v2\",\"inStock\":true}";
                        }).build());
        ToolExecutor executor = ToolExecutor.builder(registry).clock(time).scheduler(time).build();
        AgentProfiler profiler = AgentProfiler.builder().clock(time).build().attach(executor);

        ScriptedChatModel script = ScriptedChatModel.builder()
                .rule("replacement", "replacement", turn -> switch (turn.step()) {
                    case 0 -> ScriptStep.callTool("lookup_order", "{\"id\":\"A-1001\"}");
                    case 1 -> ScriptStep.callTool("search_catalog", "{\"query\":\"kettle\"}");
                    default -> ScriptStep.answer("Kettle v2 is in stock as a replacement.");
                })
                .build();
        ChatModel scripted = script.asChatModel();
        ChatModel model = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                time.advance(MODEL_LATENCY);
                return scripted.chat(request);
            }
        };
        Agent agent = Agent.builder().model(model).modelName("scripted").toolExecutor(executor).clock(time)
                .modelCallListener(profiler.modelCallListener())
                .build();

        for (int i = 0; i < 10; i++) {
            AgentRun run = agent.start("Is there a replacement for order A-1001?");
            profiler.watch(run).get(10, TimeUnit.SECONDS);
        }

        ProfileReport report = profiler.report();
        String text = report.toText();
        out.print(text);
        Path html = report.writeHtml(Files.createTempFile("agentforge-profile-", ".html"));
        executor.close();
        return new Result(report.bottleneck().byTotal().label(), report.bottleneck().shareOfWallTime(), text, html);
    }
}
