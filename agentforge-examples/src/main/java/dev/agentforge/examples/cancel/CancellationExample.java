package dev.agentforge.examples.cancel;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunResult;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.event.EventCodec;
import dev.agentforge.tool.Tool;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cancelling a run while a tool is working: the run ends at once with a {@code cancelled} event, and
 * the tool's thread is interrupted so it can release what it holds.
 */
public final class CancellationExample {

    private CancellationExample() {
    }

    public static void main(String[] args) throws Exception {
        RunResult result = run(System.out);
        System.out.println("Status: " + result.status() + ", reason: " + result.cancelReason());
    }

    /** Starts a run whose tool blocks, cancels it once the tool has started, and returns the result. */
    public static RunResult run(PrintStream out) throws Exception {
        CountDownLatch toolStarted = new CountDownLatch(1);
        CountDownLatch toolStopped = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Tool export = Tool.builder("export_report")
                .description("Exports a large report; takes a long time")
                .handler((arguments, context) -> {
                    toolStarted.countDown();
                    try {
                        new CountDownLatch(1).await();
                        return "exported";
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                        throw e;
                    } finally {
                        toolStopped.countDown();
                    }
                })
                .build();
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("export", "export", turn -> ScriptStep.callTool("export_report", "{}"))
                .build();
        Agent agent = Agent.builder().model(model).tools(export).modelName("scripted").build();

        AgentRun run = agent.start("Export the yearly report");
        toolStarted.await();
        run.cancel("the user closed the page");
        toolStopped.await();
        run.events().doOnNext(event -> out.println(EventCodec.toJson(event))).blockLast();
        out.println("tool interrupted: " + interrupted.get());
        return run.result().get();
    }
}
