package dev.agentforge.benchmarks.sse;

/** Parses the numeric command-line options of the SSE load harness. */
final class Args {

    private Args() {
    }

    /** Returns the integer at {@code args[index]}, checked against the inclusive range. */
    static int intValue(String[] args, int index, int min, int max) {
        if (index >= args.length) {
            throw new IllegalArgumentException("Missing value after " + args[index - 1]);
        }
        int value;
        try {
            value = Integer.parseInt(args[index]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value " + args[index] + " for " + args[index - 1]
                    + ": expected an integer from " + min + " to " + max, e);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException("Invalid value " + value + " for " + args[index - 1]
                    + ": expected an integer from " + min + " to " + max);
        }
        return value;
    }
}
