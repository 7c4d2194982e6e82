package dev.agentforge.tool.compose;

import com.networknt.schema.Schema;
import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * Runs tools one after another: the first gets the composed tool's arguments, and each later one gets
 * what its {@link StepMapping} makes of the previous output. The result is the last tool's result. Each
 * step's input is checked against that step's schema, and the run stops between steps once the call's
 * token is cancelled.
 */
public final class SequenceTool extends ComposedTool {

    /** Makes the input of a step from the previous step's output and the composed tool's arguments. */
    @FunctionalInterface
    public interface StepMapping {
        JsonNode map(JsonNode previousOutput, JsonNode originalArguments);
    }

    private record Step(Tool tool, StepMapping mapping, Schema schema) {
    }

    private final List<Step> steps;

    private SequenceTool(Builder builder, JsonNode parameters) {
        super(builder.name, builder.description, parameters);
        this.steps = List.copyOf(builder.steps);
    }

    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws Exception {
        JsonNode input = arguments;
        Object result = null;
        for (int i = 0; i < steps.size(); i++) {
            context.cancellation().throwIfCancelled();
            Step step = steps.get(i);
            if (i > 0) {
                input = step.mapping().map(Json.toJson(result), arguments);
            }
            Json.check(step.schema(), input, "step " + (i + 1) + " (" + step.tool().name() + ") of " + name());
            result = step.tool().execute(input, context);
        }
        return result;
    }

    /** Builds a {@link SequenceTool}. */
    public static final class Builder {
        private final String name;
        private final String description;
        private final List<Step> steps = new ArrayList<>();
        private JsonNode parameters;

        Builder(String name, String description) {
            this.name = name;
            this.description = description;
        }

        /** Adds the first step, which gets the composed tool's arguments. */
        public Builder first(Tool tool) {
            if (!steps.isEmpty()) {
                throw new IllegalStateException("first(...) must be the first step of " + name);
            }
            steps.add(new Step(tool, (previous, original) -> original, Json.schema(tool.parameters())));
            return this;
        }

        /** Adds a step whose input is the previous output, which must then be a JSON object. */
        public Builder then(Tool tool) {
            return then(tool, (previous, original) -> previous);
        }

        /** Adds a step whose input {@code mapping} makes from the previous output and the original arguments. */
        public Builder then(Tool tool, StepMapping mapping) {
            if (steps.isEmpty()) {
                throw new IllegalStateException("Call first(...) before then(...) in " + name);
            }
            steps.add(new Step(Objects.requireNonNull(tool, "tool"), Objects.requireNonNull(mapping, "mapping"),
                    Json.schema(tool.parameters())));
            return this;
        }

        /** Sets the schema of the composed tool's arguments; by default the first step's. */
        public Builder parameters(JsonNode schema) {
            this.parameters = schema;
            return this;
        }

        public SequenceTool build() {
            if (steps.isEmpty()) {
                throw new IllegalStateException("Sequence " + name + " has no steps; call first(...)");
            }
            return new SequenceTool(this, parameters != null ? parameters : steps.getFirst().tool().parameters());
        }
    }
}
