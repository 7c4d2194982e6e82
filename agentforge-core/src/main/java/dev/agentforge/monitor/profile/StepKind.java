package dev.agentforge.monitor.profile;

/** The kind of a timed step. The profiler keeps one distribution per kind and name. */
public enum StepKind {

    /** One model call, named by the agent's model label. */
    MODEL_CALL("model_call"),

    /** The handler time of one tool call, named by the tool. */
    TOOL_CALL("tool_call"),

    /** The time a tool call waited for a pool slot or resource permits, named by the pool. */
    QUEUE_WAIT("queue_wait"),

    /**
     * The lag from an event's creation to its delivery to a subscriber, named by the subscriber. It
     * overlaps the run's other steps, so bottleneck detection leaves it out.
     */
    STREAM_DELIVERY("stream_delivery");

    private final String label;

    StepKind(String label) {
        this.label = label;
    }

    /** The name used in reports and JSON, such as {@code tool_call}. */
    public String label() {
        return label;
    }

    /** Whether the step lies on the run's own timeline, so its time adds to the run's wall time. */
    public boolean onRunTimeline() {
        return this != STREAM_DELIVERY;
    }
}
