package dev.agentforge.server.transport;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The registry of open SSE streams, by run and by principal, with a limit of streams per principal.
 * Each stream is registered when its response starts and released exactly once when it ends, however
 * it ends: the run's last event, a failed write, a stop, or the server stopping.
 */
public final class SseStreams {

    /** One registered stream. {@link #release()} removes it once; later calls do nothing. */
    public final class Stream {
        private final String runId;
        private final String principal;
        private final Consumer<String> stopper;
        private final LongSupplier queuedBytes;
        private final AtomicBoolean released = new AtomicBoolean();

        private Stream(String runId, String principal, Consumer<String> stopper, LongSupplier queuedBytes) {
            this.runId = runId;
            this.principal = principal;
            this.stopper = stopper;
            this.queuedBytes = queuedBytes;
        }

        public String runId() {
            return runId;
        }

        public String principal() {
            return principal;
        }

        /** Asks the stream's writer to end the stream, with a reason for the log. */
        public void stop(String reason) {
            stopper.accept(reason);
        }

        /** Removes the stream from the registry. Returns true for the call that removed it. */
        public boolean release() {
            if (!released.compareAndSet(false, true)) {
                return false;
            }
            synchronized (SseStreams.this) {
                removeFrom(byRun, runId, this);
                removeFrom(byPrincipal, principal, this);
            }
            maxQueuedBytes.accumulateAndGet(queuedBytes.getAsLong(), Math::max);
            releases.incrementAndGet();
            return true;
        }
    }

    /** A principal holds as many open streams as the limit allows. */
    public static final class LimitExceededException extends RuntimeException {
        private final String principal;
        private final int limit;

        LimitExceededException(String principal, int limit) {
            super("Principal '" + principal + "' already holds " + limit + " open event streams, the limit of "
                    + TransportSettings.MAX_STREAMS_PER_PRINCIPAL + "; close a stream, or raise the limit");
            this.principal = principal;
            this.limit = limit;
        }

        public String principal() {
            return principal;
        }

        public int limit() {
            return limit;
        }
    }

    private final int maxPerPrincipal;
    private final Map<String, Set<Stream>> byRun = new ConcurrentHashMap<>();
    private final Map<String, Set<Stream>> byPrincipal = new ConcurrentHashMap<>();
    private final AtomicLong registrations = new AtomicLong();
    private final AtomicLong releases = new AtomicLong();
    private final AtomicLong maxQueuedBytes = new AtomicLong();

    public SseStreams(int maxPerPrincipal) {
        if (maxPerPrincipal < 1) {
            throw new IllegalArgumentException("Invalid maxPerPrincipal " + maxPerPrincipal + ": use 1 or more");
        }
        this.maxPerPrincipal = maxPerPrincipal;
    }

    /**
     * Registers a new stream of the run for the principal.
     *
     * @param stopper ends the stream when {@link Stream#stop} or {@link #stopAll} is called
     * @param queuedBytes the highest estimated bytes the stream's subscriber queue held, read at release
     * @throws LimitExceededException if the principal already holds the limit of open streams
     */
    public synchronized Stream register(String runId, String principal, Consumer<String> stopper,
            LongSupplier queuedBytes) {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(principal, "principal");
        Set<Stream> own = byPrincipal.get(principal);
        if (own != null && own.size() >= maxPerPrincipal) {
            throw new LimitExceededException(principal, maxPerPrincipal);
        }
        Stream stream = new Stream(runId, principal, Objects.requireNonNull(stopper, "stopper"),
                Objects.requireNonNull(queuedBytes, "queuedBytes"));
        byRun.computeIfAbsent(runId, id -> ConcurrentHashMap.newKeySet()).add(stream);
        byPrincipal.computeIfAbsent(principal, id -> ConcurrentHashMap.newKeySet()).add(stream);
        registrations.incrementAndGet();
        return stream;
    }

    /** The number of open streams. */
    public int size() {
        return byRun.values().stream().mapToInt(Set::size).sum();
    }

    /** The number of open streams of the run. */
    public int sizeOfRun(String runId) {
        Set<Stream> streams = byRun.get(runId);
        return streams == null ? 0 : streams.size();
    }

    /** The number of open streams of the principal. */
    public int sizeOfPrincipal(String principal) {
        Set<Stream> streams = byPrincipal.get(principal);
        return streams == null ? 0 : streams.size();
    }

    /** The number of streams registered since the server started. */
    public long registrations() {
        return registrations.get();
    }

    /** The number of streams released since the server started; each stream counts once. */
    public long releases() {
        return releases.get();
    }

    /** The highest estimated bytes that the subscriber queue of any released stream held. */
    public long maxQueuedBytes() {
        return maxQueuedBytes.get();
    }

    /** The per-principal limit. */
    public int maxPerPrincipal() {
        return maxPerPrincipal;
    }

    /** Asks every open stream to end. */
    public void stopAll(String reason) {
        List<Stream> all = byRun.values().stream().flatMap(Set::stream).toList();
        all.forEach(stream -> stream.stop(reason));
    }

    private static void removeFrom(Map<String, Set<Stream>> index, String key, Stream stream) {
        Set<Stream> streams = index.get(key);
        if (streams != null) {
            streams.remove(stream);
            if (streams.isEmpty()) {
                index.remove(key);
            }
        }
    }
}
