package dev.agentforge.resource;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * The source of heap numbers for a {@link MemoryMonitor}. The default reads the JVM's memory MXBean;
 * tests pass a source whose numbers they set.
 */
public interface HeapUsage {

    /** Returns the heap in use now, in bytes. */
    long usedBytes();

    /** Returns the most heap the JVM will use, in bytes ({@code -Xmx}, or its container-derived default). */
    long maxBytes();

    /** Returns the heap usage of this JVM, from {@link java.lang.management.MemoryMXBean#getHeapMemoryUsage()}. */
    static HeapUsage jvm() {
        return new HeapUsage() {
            @Override
            public long usedBytes() {
                return heap().getUsed();
            }

            @Override
            public long maxBytes() {
                long max = heap().getMax();
                // The MXBean reports -1 when no maximum is defined; the runtime always has one.
                return max > 0 ? max : Runtime.getRuntime().maxMemory();
            }

            private MemoryUsage heap() {
                return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            }
        };
    }
}
