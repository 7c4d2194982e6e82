package dev.agentforge.event;

/**
 * Token counts of a run, as the model provider reported them.
 *
 * @param inputTokens tokens sent to the model, summed over the run's model calls
 * @param outputTokens tokens the model produced, summed over the run's model calls
 * @param totalTokens the sum the provider reported, normally input plus output
 */
public record Usage(long inputTokens, long outputTokens, long totalTokens) {

    public static final Usage ZERO = new Usage(0, 0, 0);

    /** Returns the sum of this usage and another. */
    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                totalTokens + other.totalTokens);
    }
}
