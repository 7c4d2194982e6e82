package dev.agentforge.resource;

/** Thrown when a new run is rejected because the heap is above the hard memory limit. */
public final class MemoryLimitExceededException extends RuntimeException {

    public MemoryLimitExceededException(String message) {
        super(message);
    }
}
