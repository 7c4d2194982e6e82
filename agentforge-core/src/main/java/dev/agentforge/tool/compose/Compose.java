package dev.agentforge.tool.compose;

import dev.agentforge.resilience.RetryPolicy;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Builds tools out of tools. Each result is itself a {@link Tool} with a name, a description and a JSON
 * Schema, so it can be registered, wrapped again or run by the executor like any other.
 *
 * <p>Where a composition passes one tool's result on, it reads the result as JSON: a {@link JsonNode}
 * as it is, a string holding a JSON object or array parsed, any other string as a JSON string, and any
 * other object as Jackson serialises it. The inner tools run on the composed call's thread and
 * admission (the parallel branches on virtual threads of their own), with the composed call's
 * {@link dev.agentforge.tool.ToolContext}.
 *
 * <pre>{@code
 * Tool research = Compose.sequence("research", "Searches the web and summarises the top page")
 *         .first(search)
 *         .then(fetch, (results, args) -> object("url", results.at("/0/url")))
 *         .then(summarise)
 *         .build();
 * }</pre>
 */
public final class Compose {

    private Compose() {
    }

    /** Starts a tool that runs tools one after another, each output feeding the next input. */
    public static SequenceTool.Builder sequence(String name, String description) {
        return new SequenceTool.Builder(name, description);
    }

    /** Starts a tool that runs tools on the same arguments at once and combines their results. */
    public static ParallelTool.Builder parallel(String name, String description) {
        return new ParallelTool.Builder(name, description);
    }

    /** Starts a tool that runs the first tool whose predicate accepts the arguments. */
    public static ConditionalTool.Builder conditional(String name, String description) {
        return new ConditionalTool.Builder(name, description);
    }

    /** Returns a tool that runs {@code tool} and maps its result; it keeps the tool's arguments schema. */
    public static Tool transform(String name, String description, Tool tool, Function<JsonNode, Object> mapping) {
        return new TransformTool(name, description, Objects.requireNonNull(tool, "tool"),
                Objects.requireNonNull(mapping, "mapping"));
    }

    /** Returns {@code tool} retried under {@code policy}; name, description and schema stay the same. */
    public static Tool retry(Tool tool, RetryPolicy policy) {
        return new RetryingTool(Objects.requireNonNull(tool, "tool"), Objects.requireNonNull(policy, "policy"));
    }

    /** Returns {@code tool} cancelled after {@code timeout} on the system scheduler. */
    public static Tool timeout(Tool tool, Duration timeout) {
        return timeout(tool, timeout, ToolScheduler.system());
    }

    /** Returns {@code tool} cancelled after {@code timeout}, timed by {@code scheduler}. */
    public static Tool timeout(Tool tool, Duration timeout, ToolScheduler scheduler) {
        return new TimeoutTool(Objects.requireNonNull(tool, "tool"), Objects.requireNonNull(timeout, "timeout"),
                Objects.requireNonNull(scheduler, "scheduler"));
    }

    /** Returns {@code tool} with its results kept for {@code ttl}, at most 1000 entries, on the system clock. */
    public static CachingTool cache(Tool tool, Duration ttl) {
        return cache(tool, ttl, 1000, Clock.systemUTC());
    }

    /** Returns {@code tool} with its results kept for {@code ttl}, at most {@code maxEntries}, timed by {@code clock}. */
    public static CachingTool cache(Tool tool, Duration ttl, int maxEntries, Clock clock) {
        return new CachingTool(Objects.requireNonNull(tool, "tool"), Objects.requireNonNull(ttl, "ttl"), maxEntries,
                Objects.requireNonNull(clock, "clock"));
    }
}
