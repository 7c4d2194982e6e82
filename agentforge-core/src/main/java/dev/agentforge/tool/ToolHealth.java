package dev.agentforge.tool;

import java.util.Objects;

/**
 * The result of a tool's health check.
 *
 * @param healthy whether the tool can serve calls
 * @param detail why the tool is unhealthy, written so the model may read it, or null when healthy
 */
public record ToolHealth(boolean healthy, String detail) {

    private static final ToolHealth HEALTHY = new ToolHealth(true, null);

    public ToolHealth {
        if (!healthy) {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Returns the healthy result. */
    public static ToolHealth up() {
        return HEALTHY;
    }

    /** Returns an unhealthy result, such as {@code down("the database does not answer")}. */
    public static ToolHealth down(String detail) {
        return new ToolHealth(false, detail);
    }
}
