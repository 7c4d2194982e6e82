package dev.agentforge.tool.compose;

import dev.agentforge.progress.CancellationToken;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import dev.agentforge.tool.internal.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs several tools on the same arguments at once, each on its own virtual thread with a child of the
 * call's token, and combines their results. By default the result is a JSON object with one field per
 * tool, named after it; a tool that failed gets {@code {"error": "..."}} in its field, so one failure
 * does not lose the others. If the calling thread is interrupted, every branch is cancelled.
 */
public final class ParallelTool extends ComposedTool {

    private final List<Tool> tools;
    private final Function<Map<String, JsonNode>, Object> combiner;

    private ParallelTool(Builder builder, JsonNode parameters) {
        super(builder.name, builder.description, parameters);
        this.tools = List.copyOf(builder.tools);
        this.combiner = builder.combiner;
    }

    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws Exception {
        List<CompletableFuture<JsonNode>> branches = new ArrayList<>();
        List<CancellationToken> tokens = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (Tool tool : tools) {
            CancellationToken token = context.cancellation().child();
            ToolContext branchContext = new ToolContext(context.runId(), context.callId(), context.principal(), token);
            CompletableFuture<JsonNode> branch = new CompletableFuture<>();
            threads.add(Thread.ofVirtual().name("agentforge-parallel-" + tool.name()).start(() -> {
                try {
                    branch.complete(Json.toJson(tool.execute(arguments, branchContext)));
                } catch (Throwable e) {
                    branch.completeExceptionally(e);
                }
            }));
            tokens.add(token);
            branches.add(branch);
        }
        Map<String, JsonNode> results = new LinkedHashMap<>();
        try {
            for (int i = 0; i < tools.size(); i++) {
                results.put(tools.get(i).name(), await(branches.get(i)));
            }
        } catch (InterruptedException e) {
            tokens.forEach(token -> token.cancel("the parallel tool " + name() + " was cancelled"));
            threads.forEach(Thread::interrupt);
            throw e;
        }
        return combiner.apply(results);
    }

    private static JsonNode await(CompletableFuture<JsonNode> branch) throws InterruptedException {
        try {
            return branch.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = cause instanceof ToolException || cause.getMessage() == null
                    ? String.valueOf(cause.getMessage()) : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            ObjectNode error = Json.MAPPER.createObjectNode();
            error.put("error", message);
            return error;
        }
    }

    private static Object combineAsObject(Map<String, JsonNode> results) {
        ObjectNode combined = Json.MAPPER.createObjectNode();
        results.forEach(combined::set);
        return combined;
    }

    /** Builds a {@link ParallelTool}. */
    public static final class Builder {
        private final String name;
        private final String description;
        private final List<Tool> tools = new ArrayList<>();
        private JsonNode parameters;
        private Function<Map<String, JsonNode>, Object> combiner = ParallelTool::combineAsObject;

        Builder(String name, String description) {
            this.name = name;
            this.description = description;
        }

        /** Adds a branch; branch names must be unique because they name the fields of the result. */
        public Builder tool(Tool tool) {
            Objects.requireNonNull(tool, "tool");
            if (tools.stream().anyMatch(existing -> existing.name().equals(tool.name()))) {
                throw new IllegalArgumentException("Parallel tool " + name + " already has a branch named " + tool.name());
            }
            tools.add(tool);
            return this;
        }

        /** Sets the schema of the shared arguments; by default the first branch's. */
        public Builder parameters(JsonNode schema) {
            this.parameters = schema;
            return this;
        }

        /** Sets how the results, by branch name in the order added, become the result. */
        public Builder combiner(Function<Map<String, JsonNode>, Object> combiner) {
            this.combiner = Objects.requireNonNull(combiner, "combiner");
            return this;
        }

        public ParallelTool build() {
            if (tools.isEmpty()) {
                throw new IllegalStateException("Parallel tool " + name + " has no branches; call tool(...)");
            }
            return new ParallelTool(this, parameters != null ? parameters : tools.getFirst().parameters());
        }
    }
}
