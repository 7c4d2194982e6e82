package dev.agentforge.tool;

/**
 * The priority of a tool call waiting for a slot in its pool. A waiting call gains one level for each
 * aging interval it has waited, so a low priority call overtakes fresh high priority calls after at
 * most {@code (HIGH - LOW) * agingInterval} of waiting and is never starved.
 */
public enum ToolPriority {
    LOW,
    NORMAL,
    HIGH;

    /** The level this priority starts at: 0 for {@link #LOW}, 1 for {@link #NORMAL}, 2 for {@link #HIGH}. */
    public int level() {
        return ordinal();
    }
}
