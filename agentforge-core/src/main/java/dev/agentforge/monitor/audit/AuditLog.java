package dev.agentforge.monitor.audit;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.event.Action;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.event.RunCancelled;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log of a service: records of who did what, redacted, hash-chained and anchored outside
 * the log. docs/audit.md describes the record format, the chain and the settings.
 *
 * <p>Records come from three sources:
 *
 * <ul>
 *   <li>{@link #watch} follows a run's events and records its start ({@code run.start}), each tool
 *       call ({@code tool.call}, with a SHA-256 digest of the canonical arguments), its end
 *       ({@code run.end}) or its cancellation ({@code run.cancel}). The agent loop is not involved:
 *       the log subscribes to {@link AgentRun#events()}.</li>
 *   <li>{@link #cancel} and {@link #attributeCancel} name who cancelled a run.</li>
 *   <li>{@link #record}, {@link #recordAdmin}, {@link #recordAuthenticationFailure} and
 *       {@link #recordAccessDenied} record an action directly.</li>
 * </ul>
 *
 * <p>Records from run events are written by one background thread, in the order the events arrive,
 * so a run does not wait for the disk. {@link #flush} waits for them. Direct records are written
 * before the call returns. A failed write is logged and counted ({@link #failedWrites()}); the action
 * that was audited goes on, so auditing fails open.
 */
public final class AuditLog implements AutoCloseable {

    /** The actor of actions of the service itself, such as purges and cancels at shutdown. */
    public static final String SYSTEM_ACTOR = "system";

    /** The attribute of an {@code audit.purge} record that names the last purged sequence number. */
    public static final String PURGED_THROUGH_SEQUENCE = "purgedThroughSequence";

    /** The attribute of an {@code audit.purge} record that keeps the hash of the last purged record. */
    public static final String PURGED_THROUGH_HASH = "purgedThroughHash";

    /** The attribute of a {@code tool.call} record with the SHA-256 of the canonical JSON of the arguments. */
    public static final String ARGUMENTS_SHA256 = "argumentsSha256";

    /** The attribute of a {@code tool.call} record with the redacted arguments, when they are included. */
    public static final String ARGUMENTS = "arguments";

    /** The part of a tool call's arguments that its {@code tool.call} record keeps. */
    public enum ToolArguments {
        /** Only {@value #ARGUMENTS_SHA256}, the digest: no argument value is stored. */
        DIGEST,
        /** The digest and the arguments as JSON with sensitive fields and patterns redacted. */
        REDACTED
    }

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final AuditStore store;
    private final AnchorStore anchors;
    private final Clock clock;
    private final ChainHasher hasher;
    private final Redactor redactor;
    private final Duration retention;
    private final ToolArguments toolArguments;
    private final ExecutorService writer;
    private final ScheduledExecutorService purger;
    private final AtomicLong failedWrites = new AtomicLong();
    private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS);
    private final AtomicReference<AuditAnchor> latestAnchor = new AtomicReference<>();
    private final Object purgeLock = new Object();
    private volatile boolean closed;

    // Cancels whose request is being handled by someone who will record it with its actor.
    private final ConcurrentHashMap<String, AtomicInteger> attributedCancels = new ConcurrentHashMap<>();

    // Touched only by the writer thread.
    private final Map<String, RunState> watched = new HashMap<>();
    private final Set<String> recordedCancels = new HashSet<>();
    private final Map<String, String> deferredCancelReasons = new HashMap<>();

    private AuditLog(Builder builder) {
        this.store = builder.store;
        this.anchors = builder.anchors;
        this.clock = builder.clock;
        this.hasher = builder.hasher;
        this.redactor = builder.redactor;
        this.retention = builder.retention;
        this.toolArguments = builder.toolArguments;
        this.writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("agentforge-audit").factory());
        checkAnchorAtStart();
        if (builder.purgeInterval != null) {
            this.purger = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("agentforge-audit-retention").factory());
            long millis = builder.purgeInterval.toMillis();
            purger.scheduleWithFixedDelay(this::purgeQuietly, millis, millis, TimeUnit.MILLISECONDS);
        } else {
            this.purger = null;
        }
    }

    /** Returns a builder for a log over this store. */
    public static Builder builder(AuditStore store) {
        return new Builder(store);
    }

    /**
     * Redacts, chains, stores and anchors one record, and returns it as stored.
     *
     * @throws AuditStoreException if the store cannot write it; the failure is also logged and counted
     * @throws IllegalStateException if the log is closed
     */
    public AuditRecord record(AuditEntry entry) {
        Objects.requireNonNull(entry, "entry");
        if (closed) {
            throw new IllegalStateException("The audit log over " + store.describe() + " is closed");
        }
        return write(entry);
    }

    // Also used by the writer thread, which finishes its queued records after close() began.
    private AuditRecord write(AuditEntry entry) {
        AuditRecord record;
        try {
            record = store.append(last -> chain(last, entry));
        } catch (RuntimeException e) {
            reportFailure("Writing an audit record of action " + entry.action() + " to " + store.describe(), e);
            throw e;
        }
        advanceAnchor(record);
        return record;
    }

    /**
     * Records an administrative action, such as a configuration change.
     *
     * @param action the action, which must start with {@code admin.}, such as {@code admin.config.change}
     * @throws IllegalArgumentException if the action does not start with {@code admin.}
     */
    public AuditRecord recordAdmin(String actor, String action, String resource, AuditOutcome outcome, String detail) {
        if (action == null || !action.startsWith(AuditActions.ADMIN_PREFIX) || action.length() == 6) {
            throw new IllegalArgumentException("Invalid administrative action '" + action + "': it must start with '"
                    + AuditActions.ADMIN_PREFIX + "' and name the action, as in admin.config.change");
        }
        return record(AuditEntry.builder(actor, action).resource(resource).outcome(outcome).detail(detail).build());
    }

    /**
     * Records a failed authentication ({@code auth.failure}, outcome {@code denied}). Nothing in
     * AgentForge calls it until the server authenticates requests.
     *
     * @param actor the principal the client claimed, or {@code anonymous} when it claimed none
     */
    public AuditRecord recordAuthenticationFailure(String actor, RequestOrigin origin, String detail) {
        return record(AuditEntry.builder(actor, AuditActions.AUTH_FAILURE).outcome(AuditOutcome.DENIED)
                .detail(detail).origin(origin).build());
    }

    /**
     * Records a request that its principal may not make ({@code access.denied}, outcome
     * {@code denied}). Nothing in AgentForge calls it until the server authorizes requests.
     *
     * @param requestedAction the action that was denied, such as {@code run.cancel}
     * @param resource what the request was for, such as a run id
     */
    public AuditRecord recordAccessDenied(String actor, String requestedAction, String resource, RequestOrigin origin,
            String detail) {
        return record(AuditEntry.builder(actor, AuditActions.ACCESS_DENIED).resource(resource)
                .outcome(AuditOutcome.DENIED).detail(detail).origin(origin)
                .attribute("requestedAction", requestedAction).build());
    }

    /** Follows a run that did not arrive over HTTP, such as one started through the Java API. */
    public void watch(AgentRun run) {
        watch(run, RequestOrigin.NONE);
    }

    /**
     * Follows a run's events and records its start, tool calls and end. The run's events are read from
     * its first, so a run may be watched after it started. Its {@code run.start} record carries the
     * origin.
     */
    public void watch(AgentRun run, RequestOrigin origin) {
        RunState state = new RunState(run.id(), run.request().principal(), origin == null ? RequestOrigin.NONE : origin);
        if (!submit(() -> watched.put(state.runId, state))) {
            return;
        }
        run.events().subscribe(
                event -> submit(() -> onEvent(state, event)),
                error -> LOG.warn("The audit log stopped following run {}: its event stream failed", run.id(), error));
    }

    /**
     * Cancels a run and records who cancelled it. A plain {@link AgentRun#cancel} of a watched run is
     * recorded too, with the actor {@value #SYSTEM_ACTOR}.
     *
     * @return true if this call cancelled the run, false if it had already ended, which is recorded as a failure
     */
    public boolean cancel(AgentRun run, String actor, String reason) {
        CancelAttribution attribution = attributeCancel(run.id());
        boolean cancelled = false;
        try {
            cancelled = run.cancel(reason);
        } finally {
            if (cancelled) {
                attribution.finish(actor, RequestOrigin.NONE, AuditOutcome.SUCCESS, reason);
            } else {
                attribution.finish(actor, RequestOrigin.NONE, AuditOutcome.FAILURE, "the run had already finished"
                        + " with status " + run.status().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return cancelled;
    }

    /**
     * Announces that a cancel request for this run is being handled by a caller who will record it
     * with its actor, so that the run's {@code cancelled} event is not recorded a second time as a
     * cancel by {@value #SYSTEM_ACTOR}. Call it before cancelling the run, and always call
     * {@link CancelAttribution#finish} afterwards, whatever the outcome.
     */
    public CancelAttribution attributeCancel(String runId) {
        attributedCancels.computeIfAbsent(runId, id -> new AtomicInteger()).incrementAndGet();
        return new CancelAttribution(runId);
    }

    /** Returns the records that match the query, in sequence order. */
    public List<AuditRecord> query(AuditQuery query) {
        return store.query(query);
    }

    /** Verifies the log against the stored anchor, or against the newest anchor of this process without an anchor store. */
    public AuditVerification verify() {
        return verify(anchor().orElse(null));
    }

    /** Verifies the log against an anchor kept elsewhere, or against none when {@code anchor} is null. */
    public AuditVerification verify(AuditAnchor anchor) {
        return new AuditVerifier(hasher).verify(store, anchor);
    }

    /** Returns the newest anchor: from the anchor store when there is one, else the newest record this process wrote. */
    public Optional<AuditAnchor> anchor() {
        if (anchors != null) {
            return anchors.read();
        }
        return Optional.ofNullable(latestAnchor.get());
    }

    /**
     * Purges the records older than the retention time by the log's clock.
     *
     * @throws IllegalStateException if no retention time was set
     */
    public PurgeResult purgeExpired() {
        if (retention == null) {
            throw new IllegalStateException("No audit retention time is set, so no record expires");
        }
        return purgeBefore(clock.instant().minus(retention));
    }

    /**
     * Purges the oldest records written before the cutoff, keeping the chain verifiable. It deletes the
     * longest run of records from the start of the log that are all older than the cutoff. So a record
     * that a clock set back wrote after a newer one waits for the next purge.
     * Before it deletes anything it appends an {@code audit.purge} record that keeps the sequence
     * number and hash of the last purged record, to which the first remaining record links.
     */
    public PurgeResult purgeBefore(Instant cutoff) {
        synchronized (purgeLock) {
            AuditRecord[] lastExpired = {null};
            store.scan(record -> {
                if (!record.time().isBefore(cutoff)) {
                    return false;
                }
                lastExpired[0] = record;
                return true;
            });
            if (lastExpired[0] == null) {
                return new PurgeResult(cutoff, 0, 0, null);
            }
            AuditRecord through = lastExpired[0];
            AuditRecord marker = record(AuditEntry.builder(SYSTEM_ACTOR, AuditActions.AUDIT_PURGE)
                    .resource(store.describe())
                    .detail("purged the records up to " + through.sequence() + ", which are older than " + cutoff)
                    .attribute(PURGED_THROUGH_SEQUENCE, through.sequence())
                    .attribute(PURGED_THROUGH_HASH, through.hash())
                    .attribute("cutoff", cutoff)
                    .build());
            long deleted = store.deleteThrough(through.sequence());
            LOG.info("Audit retention purged {} records up to sequence {} (older than {}) from {}", deleted,
                    through.sequence(), cutoff, store.describe());
            return new PurgeResult(cutoff, deleted, through.sequence(), marker);
        }
    }

    /**
     * Waits until every record from run events received so far is written.
     *
     * @return false if that took longer than the timeout
     */
    public boolean flush(Duration timeout) {
        try {
            writer.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Waits up to 30 seconds until every record from run events received so far is written. */
    public boolean flush() {
        return flush(Duration.ofSeconds(30));
    }

    /** Returns how many records could not be written since the log was opened. */
    public long failedWrites() {
        return failedWrites.get();
    }

    /** Returns the hash algorithm of the chain. */
    public ChainHasher hasher() {
        return hasher;
    }

    /** Returns the store the records are kept in. */
    public AuditStore store() {
        return store;
    }

    /** Returns the retention time, or empty when records never expire. */
    public Optional<Duration> retention() {
        return Optional.ofNullable(retention);
    }

    /**
     * Writes the records of events already received, stops following runs and closes the store. Events
     * that arrive later are not recorded. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (purger != null) {
            purger.shutdownNow();
        }
        writer.shutdown();
        try {
            if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("The audit log over {} closed before its pending records were written", store.describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    private AuditRecord chain(AuditRecord last, AuditEntry entry) {
        long sequence = last == null ? 1 : last.sequence() + 1;
        String previousHash = last == null ? ChainHasher.GENESIS : last.hash();
        // Microseconds, because PostgreSQL keeps no finer time and a record must read back as written.
        Instant time = clock.instant().truncatedTo(ChronoUnit.MICROS);
        AuditRecord draft = new AuditRecord(sequence, time, entry.actor(), entry.action(), entry.resource(),
                entry.outcome(), redactor.redactText(entry.detail()), entry.runId(), entry.origin().clientAddress(),
                entry.origin().userAgent(), redactor.redactAttributes(entry.attributes()), previousHash, "");
        return draft.withHash(hasher.hash(draft));
    }

    private void advanceAnchor(AuditRecord record) {
        AuditAnchor anchor = AuditAnchor.of(record);
        latestAnchor.accumulateAndGet(anchor, (old, next) -> old == null || next.sequence() > old.sequence()
                ? next : old);
        if (anchors == null) {
            return;
        }
        try {
            anchors.advance(anchor);
        } catch (RuntimeException e) {
            reportFailure("Advancing the audit anchor to record " + record.sequence(), e);
        }
    }

    private void checkAnchorAtStart() {
        Optional<AuditRecord> last = store.last();
        last.ifPresent(record -> latestAnchor.set(AuditAnchor.of(record)));
        if (anchors == null) {
            return;
        }
        Optional<AuditAnchor> anchor = anchors.read();
        if (anchor.isEmpty()) {
            return;
        }
        long lastSequence = last.map(AuditRecord::sequence).orElse(0L);
        if (lastSequence < anchor.get().sequence()) {
            LOG.error("The audit log in {} ends at record {}, but its anchor names record {}: records were removed."
                    + " New records continue the chain from record {}; GET /v1/audit/verify or AuditLog.verify()"
                    + " reports the damage", store.describe(), lastSequence, anchor.get().sequence(), lastSequence);
        }
    }

    private boolean submit(Runnable task) {
        try {
            writer.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // record() has logged and counted a failed write; anything else is a bug worth a log line.
                    if (!(e instanceof AuditStoreException)) {
                        LOG.error("An audit task failed", e);
                    }
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            LOG.warn("The audit log over {} is closed, so an event was not recorded", store.describe());
            return false;
        }
    }

    private void onEvent(RunState state, AgentEvent event) {
        switch (event) {
            case RunStarted started -> write(AuditEntry.builder(started.principal() != null ? started.principal()
                            : state.principal, AuditActions.RUN_START)
                    .resource(state.runId).runId(state.runId).origin(state.origin)
                    .attribute("model", started.model())
                    .attribute("inputSha256", ChainHasher.sha256Hex(started.input().getBytes(StandardCharsets.UTF_8)))
                    .build());
            case Action action -> state.pendingCalls.put(action.callId(), action);
            case Observation observation -> recordToolCall(state, state.pendingCalls.remove(observation.callId()),
                    observation.callId(), observation.tool(), observation);
            case RunCompleted completed -> {
                finishCalls(state);
                write(AuditEntry.builder(state.principal, AuditActions.RUN_END).resource(state.runId)
                        .runId(state.runId).attribute("totalTokens", completed.usage().totalTokens()).build());
            }
            case ErrorEvent error when error.fatal() -> {
                finishCalls(state);
                write(AuditEntry.builder(state.principal, AuditActions.RUN_END).resource(state.runId)
                        .runId(state.runId).outcome(AuditOutcome.FAILURE)
                        .detail(error.code() + ": " + error.message()).build());
            }
            case RunCancelled cancelled -> {
                finishCalls(state);
                onCancelled(state, cancelled);
            }
            default -> {
            }
        }
    }

    private void onCancelled(RunState state, RunCancelled cancelled) {
        watched.remove(state.runId);
        if (recordedCancels.remove(state.runId)) {
            return;
        }
        if (attributedCancels.containsKey(state.runId)) {
            deferredCancelReasons.put(state.runId, cancelled.reason());
            return;
        }
        write(AuditEntry.builder(SYSTEM_ACTOR, AuditActions.RUN_CANCEL).resource(state.runId).runId(state.runId)
                .detail(cancelled.reason()).build());
    }

    private void finishCalls(RunState state) {
        watched.remove(state.runId);
        for (Action action : List.copyOf(state.pendingCalls.values())) {
            recordToolCall(state, action, action.callId(), action.tool(), null);
        }
        state.pendingCalls.clear();
    }

    private void recordToolCall(RunState state, Action action, String callId, String tool, Observation observation) {
        AuditEntry.Builder entry = AuditEntry.builder(state.principal, AuditActions.TOOL_CALL)
                .resource(tool).runId(state.runId).attribute("callId", callId);
        if (action != null) {
            String arguments = action.arguments() == null ? "" : action.arguments();
            String canonical = AuditCodec.canonicalJson(arguments);
            String digested = canonical != null ? canonical : arguments;
            entry.attribute(ARGUMENTS_SHA256, ChainHasher.sha256Hex(digested.getBytes(StandardCharsets.UTF_8)));
            if (canonical == null) {
                entry.attribute("argumentsForm", "raw text, not valid JSON");
            }
            if (toolArguments == ToolArguments.REDACTED) {
                entry.attribute(ARGUMENTS, redactor.redactJson(arguments));
            }
        }
        if (observation == null) {
            entry.outcome(AuditOutcome.FAILURE).detail("the run ended before the tool returned");
        } else {
            entry.attribute("durationMillis", observation.durationMillis());
            if (observation.failed()) {
                entry.outcome(AuditOutcome.FAILURE).detail(observation.error());
            }
        }
        write(entry.build());
    }

    private void finishAttributed(String runId, String actor, RequestOrigin origin, AuditOutcome outcome,
            String detail) {
        attributedCancels.computeIfPresent(runId, (id, count) -> count.decrementAndGet() <= 0 ? null : count);
        String reason = deferredCancelReasons.remove(runId);
        if (outcome == AuditOutcome.SUCCESS && reason == null && watched.containsKey(runId)) {
            // The run's cancelled event is still on its way; it must not be recorded again.
            recordedCancels.add(runId);
        }
        write(AuditEntry.builder(actor, AuditActions.RUN_CANCEL).resource(runId).runId(runId).outcome(outcome)
                .detail(reason != null && outcome == AuditOutcome.SUCCESS ? reason : detail).origin(origin).build());
    }

    private void purgeQuietly() {
        try {
            purgeExpired();
        } catch (RuntimeException e) {
            reportFailure("The scheduled audit retention purge of " + store.describe(), e);
        }
    }

    private void reportFailure(String what, RuntimeException e) {
        long count = failedWrites.incrementAndGet();
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        if (now - last >= FAILURE_LOG_INTERVAL_NANOS && lastFailureLog.compareAndSet(last, now)) {
            LOG.error("{} failed ({} audit failures since the log opened; repeats are logged at most once a minute)",
                    what, count, e);
        }
    }

    /** A cancel request whose handler records it with its actor. */
    public final class CancelAttribution {
        private final String runId;
        private boolean finished;

        private CancelAttribution(String runId) {
            this.runId = runId;
        }

        /**
         * Records the cancel request's outcome, after the cancel was tried: {@code success} when it
         * cancelled the run, {@code failure} when the run had already finished or was not found.
         * Calling it again does nothing.
         */
        public synchronized void finish(String actor, RequestOrigin origin, AuditOutcome outcome, String detail) {
            if (finished) {
                return;
            }
            finished = true;
            if (!submit(() -> finishAttributed(runId, actor, origin, outcome, detail))) {
                attributedCancels.computeIfPresent(runId, (id, count) -> count.decrementAndGet() <= 0 ? null : count);
            }
        }
    }

    /** The writer thread's state of one watched run. */
    private static final class RunState {
        final String runId;
        final String principal;
        final RequestOrigin origin;
        final Map<String, Action> pendingCalls = new LinkedHashMap<>();

        RunState(String runId, String principal, RequestOrigin origin) {
            this.runId = runId;
            this.principal = principal;
            this.origin = origin;
        }
    }

    /** Configures an {@link AuditLog}. Only the store is required. */
    public static final class Builder {
        private final AuditStore store;
        private AnchorStore anchors;
        private Clock clock = Clock.systemUTC();
        private ChainHasher hasher = ChainHasher.sha256();
        private Redactor redactor = Redactor.defaults();
        private Duration retention;
        private Duration purgeInterval;
        private ToolArguments toolArguments = ToolArguments.DIGEST;

        private Builder(AuditStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** Keeps the anchor in this store after every record; without one, {@link #anchor()} returns it to the caller. */
        public Builder anchorStore(AnchorStore anchors) {
            this.anchors = anchors;
            return this;
        }

        /** Sets the clock of record times and of retention; tests pass a fixed or stepping clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Sets the chain's hash, plain SHA-256 by default; {@link ChainHasher#hmacSha256} needs a key. */
        public Builder hasher(ChainHasher hasher) {
            this.hasher = Objects.requireNonNull(hasher, "hasher");
            return this;
        }

        /** Sets the redaction applied to details and attributes before they are stored. */
        public Builder redactor(Redactor redactor) {
            this.redactor = Objects.requireNonNull(redactor, "redactor");
            return this;
        }

        /** Sets how long records are kept; {@link #purgeExpired()} deletes older ones. None by default: records never expire. */
        public Builder retention(Duration retention) {
            if (retention != null && (retention.isNegative() || retention.isZero())) {
                throw new IllegalArgumentException("The audit retention must be a positive duration, got " + retention);
            }
            this.retention = retention;
            return this;
        }

        /** Runs {@link #purgeExpired()} on a background thread at this interval; needs a retention time. */
        public Builder purgeInterval(Duration purgeInterval) {
            if (purgeInterval != null && (purgeInterval.isNegative() || purgeInterval.isZero())) {
                throw new IllegalArgumentException("The audit purge interval must be a positive duration, got "
                        + purgeInterval);
            }
            this.purgeInterval = purgeInterval;
            return this;
        }

        /** Sets what {@code tool.call} records keep of the arguments, {@link ToolArguments#DIGEST} by default. */
        public Builder toolArguments(ToolArguments toolArguments) {
            this.toolArguments = Objects.requireNonNull(toolArguments, "toolArguments");
            return this;
        }

        /**
         * Opens the log. When the store's newest record is behind the stored anchor, it logs an error,
         * because records were removed, and opens anyway.
         *
         * @throws IllegalStateException if a purge interval is set without a retention time
         */
        public AuditLog build() {
            if (purgeInterval != null && retention == null) {
                throw new IllegalStateException("An audit purge interval needs a retention time; set retention(...)");
            }
            return new AuditLog(this);
        }
    }
}
