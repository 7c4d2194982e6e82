package dev.agentforge.examples.memory;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRegistry;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.resource.HeapUsage;
import dev.agentforge.resource.MemoryLimitExceededException;
import dev.agentforge.resource.MemoryMonitor;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Memory cleanup handlers and the hard limit. The example drives the monitor with heap numbers it
 * sets, so it shows each level without filling the heap: above the soft limit the handlers free a
 * cache and evict finished runs; above the hard limit new runs are rejected.
 */
public final class MemoryCleanupExample {

    private MemoryCleanupExample() {
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Walks the heap through the three levels and prints what happens at each; returns the runs left. */
    public static int run(PrintStream out) throws Exception {
        long max = 1024L << 20;
        long[] used = {0};
        HeapUsage simulatedHeap = new HeapUsage() {
            @Override
            public long usedBytes() {
                return used[0];
            }

            @Override
            public long maxBytes() {
                return max;
            }
        };

        RunRegistry runs = new RunRegistry(Duration.ofMinutes(15), 100, Clock.systemUTC());
        Map<String, byte[]> cache = new LinkedHashMap<>();
        cache.put("embeddings", new byte[1 << 20]);

        MemoryMonitor memory = MemoryMonitor.builder().heap(simulatedHeap).softLimit(0.75).hardLimit(0.90).build();
        memory.registerCleanup("cache", () -> {
            long freed = cache.values().stream().mapToLong(bytes -> bytes.length).sum();
            cache.clear();
            return freed;
        });
        memory.registerCleanup("finished-runs", runs::evictFinished);
        runs.addAdmissionCheck(request -> memory.admitNewRun());

        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("echo", ".*", turn -> ScriptStep.answer("You said: " + turn.input()))
                .build();
        Agent agent = Agent.builder().model(model).build();
        for (int i = 1; i <= 3; i++) {
            AgentRun run = runs.start(agent, RunRequest.of("question " + i));
            run.result().get();
        }
        out.println("finished runs held: " + runs.runs().size() + ", retaining about " + runs.retainedBytes() + " bytes");

        used[0] = (long) (max * 0.80);
        MemoryMonitor.Snapshot soft = memory.check();
        out.println("heap at 80 %: level " + soft.level() + ", runs held: " + runs.runs().size()
                + ", cache entries: " + cache.size());

        used[0] = (long) (max * 0.95);
        memory.check();
        try {
            runs.start(agent, RunRequest.of("one more"));
            out.println("heap at 95 %: the run started");
        } catch (MemoryLimitExceededException e) {
            out.println("heap at 95 %: rejected: " + e.getMessage());
        }

        used[0] = (long) (max * 0.50);
        memory.check();
        runs.start(agent, RunRequest.of("after the pressure")).result().get();
        out.println("heap at 50 %: level " + memory.lastSnapshot().level() + ", runs held: " + runs.runs().size());
        return runs.runs().size();
    }
}
