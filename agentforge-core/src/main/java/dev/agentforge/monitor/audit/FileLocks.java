package dev.agentforge.monitor.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive locks on lock files, held across threads of this JVM and across processes. A
 * {@link FileLock} alone does not exclude threads of the same JVM, and a second lock on the same
 * file from the same JVM throws, so a JVM-wide lock per file is taken first.
 */
final class FileLocks {

    /** An action that may fail with an {@link IOException}. */
    @FunctionalInterface
    interface IoAction<T> {
        T run() throws IOException;
    }

    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private FileLocks() {
    }

    /** Runs the action while holding the exclusive lock on {@code lockFile}, which is created if missing. */
    static <T> T withLock(Path lockFile, IoAction<T> action) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock lock = JVM_LOCKS.computeIfAbsent(key, path -> new ReentrantLock());
        lock.lock();
        try (FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            return action.run();
        } finally {
            lock.unlock();
        }
    }
}
