package dev.agentforge.benchmarks.sse;

/**
 * Counts latencies in fixed buckets: 10 µs wide below 100 ms, 1 ms wide from 100 ms to 60 s, and one
 * bucket above. Percentiles are the upper edge of the bucket that contains them, so they are exact to the
 * bucket width. Not thread-safe: the client's one selector thread records into it.
 */
final class LatencyHistogram {

    private static final long FINE_LIMIT_MICROS = 100_000;
    private static final long FINE_WIDTH_MICROS = 10;
    private static final long COARSE_LIMIT_MICROS = 60_000_000;
    private static final long COARSE_WIDTH_MICROS = 1_000;
    private static final int FINE_BUCKETS = (int) (FINE_LIMIT_MICROS / FINE_WIDTH_MICROS);
    private static final int COARSE_BUCKETS = (int) ((COARSE_LIMIT_MICROS - FINE_LIMIT_MICROS) / COARSE_WIDTH_MICROS);

    private final long[] counts = new long[FINE_BUCKETS + COARSE_BUCKETS + 1];
    private long count;
    private long maxMicros;

    /** Records one latency; a negative one, from clock resolution, counts as 0. */
    void record(long micros) {
        long value = Math.max(0, micros);
        counts[bucketOf(value)]++;
        count++;
        maxMicros = Math.max(maxMicros, value);
    }

    long count() {
        return count;
    }

    double maxMillis() {
        return maxMicros / 1000.0;
    }

    /** Returns the latency below which the given percent of recorded values fall, in milliseconds. */
    double percentileMillis(double percent) {
        if (count == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(count * percent / 100.0);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperEdgeMicros(i), maxMicros) / 1000.0;
            }
        }
        return maxMillis();
    }

    private static int bucketOf(long micros) {
        if (micros < FINE_LIMIT_MICROS) {
            return (int) (micros / FINE_WIDTH_MICROS);
        }
        if (micros < COARSE_LIMIT_MICROS) {
            return FINE_BUCKETS + (int) ((micros - FINE_LIMIT_MICROS) / COARSE_WIDTH_MICROS);
        }
        return FINE_BUCKETS + COARSE_BUCKETS;
    }

    private static long upperEdgeMicros(int bucket) {
        if (bucket < FINE_BUCKETS) {
            return (bucket + 1) * FINE_WIDTH_MICROS;
        }
        if (bucket < FINE_BUCKETS + COARSE_BUCKETS) {
            return FINE_LIMIT_MICROS + (bucket - FINE_BUCKETS + 1) * COARSE_WIDTH_MICROS;
        }
        return Long.MAX_VALUE;
    }
}
