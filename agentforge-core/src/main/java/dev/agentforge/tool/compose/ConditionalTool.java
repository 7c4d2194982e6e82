package dev.agentforge.tool.compose;

import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * Runs the first tool whose predicate accepts the arguments, or the fallback tool when none does. As a
 * step of a {@link SequenceTool}, its arguments are the previous step's mapped output, so the predicate
 * decides on that output.
 */
public final class ConditionalTool extends ComposedTool {

    private record Branch(Predicate<JsonNode> condition, Tool tool) {
    }

    private final List<Branch> branches;
    private final Tool otherwise;

    private ConditionalTool(Builder builder, JsonNode parameters) {
        super(builder.name, builder.description, parameters);
        this.branches = List.copyOf(builder.branches);
        this.otherwise = builder.otherwise;
    }

    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws Exception {
        for (Branch branch : branches) {
            if (branch.condition().test(arguments)) {
                return branch.tool().execute(arguments, context);
            }
        }
        if (otherwise != null) {
            return otherwise.execute(arguments, context);
        }
        throw new ToolException("No branch of tool '" + name() + "' accepts these arguments: " + arguments
                + ". " + description());
    }

    /** Builds a {@link ConditionalTool}. */
    public static final class Builder {
        private final String name;
        private final String description;
        private final List<Branch> branches = new ArrayList<>();
        private Tool otherwise;
        private JsonNode parameters;

        Builder(String name, String description) {
            this.name = name;
            this.description = description;
        }

        /** Adds a branch; branches are tried in the order added. */
        public Builder when(Predicate<JsonNode> condition, Tool tool) {
            branches.add(new Branch(Objects.requireNonNull(condition, "condition"), Objects.requireNonNull(tool, "tool")));
            return this;
        }

        /** Sets the tool run when no branch matches; without it such a call fails with a message for the model. */
        public Builder otherwise(Tool tool) {
            this.otherwise = Objects.requireNonNull(tool, "tool");
            return this;
        }

        /** Sets the schema of the arguments; by default the first branch's. */
        public Builder parameters(JsonNode schema) {
            this.parameters = schema;
            return this;
        }

        public ConditionalTool build() {
            if (branches.isEmpty()) {
                throw new IllegalStateException("Conditional tool " + name + " has no branches; call when(...)");
            }
            return new ConditionalTool(this, parameters != null ? parameters : branches.getFirst().tool().parameters());
        }
    }
}
