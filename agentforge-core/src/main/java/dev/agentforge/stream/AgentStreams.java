package dev.agentforge.stream;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.Thought;
import dev.agentforge.event.Token;
import dev.agentforge.resilience.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Operators for streams of agent events and for streams of any element, as functions for
 * {@code flux.transform(...)}. Most are Reactor operators under the name this domain uses, with the
 * Reactor semantics spelled out; {@link #coalesceTokens} and {@link #throttle} keep a little state of
 * their own on Reactor primitives. Operators that wait take a {@link Scheduler}; without one they use
 * {@code Schedulers.parallel()}, looked up at subscription, so {@code StepVerifier.withVirtualTime}
 * controls them. docs/streams.md describes each operator with examples.
 */
public final class AgentStreams {

    private static final Logger LOG = LoggerFactory.getLogger(AgentStreams.class);

    private AgentStreams() {
    }

    // ----- Shaping -----

    /** Groups elements into lists of {@code size}; the last list may be shorter. Reactor's {@code buffer(size)}. */
    public static <T> Function<Flux<T>, Flux<List<T>>> chunk(int size) {
        requirePositive("chunk size", size);
        return source -> source.buffer(size);
    }

    /**
     * Joins consecutive token events into one token event with their text, which carries the run id,
     * sequence number and timestamp of the last token joined. A joined token is sent when adding the next
     * token would make it longer than {@code maxChars}, when its text ends at the boundary, before any
     * non-token event, and at the end of the stream; a single token longer than {@code maxChars} is sent
     * alone. Tokens are never joined across another event or across runs. If the source fails, the
     * tokens held so far are sent before the error.
     *
     * <p>NOTE: tokens are held until one of those points, however long that takes, so a model that
     * stalls mid-word holds back the word's start.
     */
    public static Function<Flux<AgentEvent>, Flux<AgentEvent>> coalesceTokens(int maxChars, TokenBoundary boundary) {
        requirePositive("maxChars", maxChars);
        Objects.requireNonNull(boundary, "boundary");
        return source -> Flux.defer(() -> {
            TokenJoiner joiner = new TokenJoiner(maxChars, boundary);
            return source.concatMapIterable(joiner::accept)
                    .concatWith(Flux.defer(() -> Flux.fromIterable(joiner.flush())))
                    .onErrorResume(error -> Flux.fromIterable(joiner.flush()).concatWith(Flux.error(error)));
        });
    }

    /** Like {@link #batch(int, Duration, Scheduler)}, waiting on {@code Schedulers.parallel()}. */
    public static <T> Function<Flux<T>, Flux<List<T>>> batch(int maxSize, Duration maxWait) {
        return batch(maxSize, maxWait, null);
    }

    /**
     * Groups elements into batches sent when they reach {@code maxSize} or when {@code maxWait} has passed
     * since the batch's first element, whichever comes first; the last partial batch is sent when the
     * source completes. Later elements do not restart the wait. This is Reactor's
     * {@code bufferTimeout(maxSize, maxWait, scheduler, true)}: reactor-core 3.8.8 starts its timer at the
     * first element of each batch, which {@code AgentStreamsTest} checks, and the {@code true} makes it
     * honour backpressure instead of failing when the subscriber has no demand.
     *
     * @param scheduler the scheduler that times the wait, or null for {@code Schedulers.parallel()}
     */
    public static <T> Function<Flux<T>, Flux<List<T>>> batch(int maxSize, Duration maxWait, Scheduler scheduler) {
        requirePositive("maxSize", maxSize);
        requirePositive("maxWait", maxWait);
        return source -> Flux.defer(() -> source.bufferTimeout(maxSize, maxWait, timer(scheduler), true));
    }

    /** Like {@link #throttle(int, Duration, ThrottleMode, Scheduler, Consumer)}, on {@code Schedulers.parallel()}, ignoring dropped elements. */
    public static <T> Function<Flux<T>, Flux<T>> throttle(int permits, Duration period, ThrottleMode mode) {
        return throttle(permits, period, mode, null, dropped -> { });
    }

    /**
     * Lets at most {@code permits} elements through per {@code period}. A period starts with the first
     * element emitted after the previous period ended, so an idle stream starts a fresh period at its next
     * element. The mode decides what happens to elements beyond the limit.
     *
     * <p>Built on Reactor: {@code concatMap} with no prefetch emits one element at a time and, after the
     * last permit of a period, waits with {@code Mono.delay} until the period ends. While it waits it
     * requests nothing, and {@code onBackpressureDrop} (DROP), {@code onBackpressureLatest} (KEEP_LATEST)
     * or the source itself (DELAY) handles what arrives. In DELAY mode the source must wait through
     * backpressure, as an event log stream does; put {@code onBackpressureBuffer(max)} in front of a source
     * that cannot. Completion may come up to one period after the last element.
     *
     * @param scheduler the scheduler that times the periods, or null for {@code Schedulers.parallel()}
     * @param onDropped receives each element that DROP or KEEP_LATEST drops
     */
    public static <T> Function<Flux<T>, Flux<T>> throttle(int permits, Duration period, ThrottleMode mode,
            Scheduler scheduler, Consumer<? super T> onDropped) {
        requirePositive("permits", permits);
        requirePositive("period", period);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(onDropped, "onDropped");
        return source -> Flux.defer(() -> {
            Scheduler timer = timer(scheduler);
            RateWindow window = new RateWindow(permits, period.toNanos());
            Flux<T> limited = switch (mode) {
                case DROP -> source.onBackpressureDrop(onDropped);
                case KEEP_LATEST -> source.onBackpressureLatest();
                case DELAY -> source;
            };
            Flux<T> throttled = limited.concatMap(element -> {
                long pauseNanos = window.recordEmission(timer.now(TimeUnit.NANOSECONDS));
                Flux<T> emitted = Flux.just(element);
                return pauseNanos == 0 ? emitted
                        : emitted.concatWith(Mono.delay(Duration.ofNanos(pauseNanos), timer).then(Mono.empty()));
            }, 0);
            if (mode == ThrottleMode.KEEP_LATEST) {
                // onBackpressureLatest passes the elements it replaces to the discard hook.
                throttled = throttled.doOnDiscard(Object.class, element -> dropped(onDropped, element));
            }
            return throttled;
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> void dropped(Consumer<? super T> onDropped, Object element) {
        onDropped.accept((T) element);
    }

    // ----- Selecting and mapping -----

    /** Keeps the events of one type, such as {@code Token.class}. Reactor's {@code ofType}. */
    public static <E extends AgentEvent> Function<Flux<AgentEvent>, Flux<E>> ofType(Class<E> type) {
        Objects.requireNonNull(type, "type");
        return source -> source.ofType(type);
    }

    /** Removes the events of the given types, such as {@code Thought.class} for clients that hide reasoning. */
    @SafeVarargs
    public static Function<Flux<AgentEvent>, Flux<AgentEvent>> excluding(Class<? extends AgentEvent>... types) {
        Set<Class<? extends AgentEvent>> excluded = Set.of(types);
        return source -> source.filter(event -> !excluded.contains(event.getClass()));
    }

    /**
     * Rewrites the text of token and thought events, such as to redact it, keeping their run id,
     * sequence number and timestamp; other events pass unchanged. Reactor's {@code map}.
     */
    public static Function<Flux<AgentEvent>, Flux<AgentEvent>> mapText(UnaryOperator<String> rewrite) {
        Objects.requireNonNull(rewrite, "rewrite");
        return source -> source.map(event -> switch (event) {
            case Token token -> new Token(token.runId(), token.sequence(), token.timestamp(), rewrite.apply(token.text()));
            case Thought thought -> new Thought(thought.runId(), thought.sequence(), thought.timestamp(),
                    rewrite.apply(thought.text()));
            default -> event;
        });
    }

    /** Passes events up to and including the first terminal event, then completes. Reactor's {@code takeUntil}. */
    public static Function<Flux<AgentEvent>, Flux<AgentEvent>> untilTerminal() {
        return source -> source.takeUntil(AgentEvent::terminal);
    }

    /** Passes the first {@code count} elements, then completes and cancels the source. Reactor's {@code take}. */
    public static <T> Function<Flux<T>, Flux<T>> take(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("Invalid count " + count + ": use 0 or more");
        }
        return source -> source.take(count);
    }

    // ----- Collecting -----

    /** Returns the text of the token events joined in order, which is the text the model streamed. Reactor's {@code reduce}. */
    public static Function<Flux<AgentEvent>, Mono<String>> collectText() {
        return source -> source.ofType(Token.class)
                .reduce(new StringBuilder(), (text, token) -> text.append(token.text()))
                .map(StringBuilder::toString);
    }

    /** Counts the events by type name, in the order each type first appeared. Reactor's {@code collect}. */
    public static Function<Flux<AgentEvent>, Mono<Map<String, Long>>> countByType() {
        return source -> source.collect(Collectors.groupingBy(AgentEvent::type, LinkedHashMap::new, Collectors.counting()));
    }

    // ----- Merging -----

    /**
     * Merges named sources into one stream of {@link Tagged} elements, in the order they arrive. Each
     * source's failure is wrapped in a {@link SourceFailedException} that names it.
     *
     * <ul>
     * <li>{@link MergeErrors#FAIL_FAST}: the first failure cancels the other sources and fails the stream.
     * <li>{@link MergeErrors#CONTINUE}: a failed source ends alone; when the stream ends, by either
     *     completion rule, it fails with the first failure and the later ones as suppressed exceptions,
     *     so no failure is lost.
     * <li>{@link MergeCompletion#ALL}: the stream completes when every source has ended.
     * <li>{@link MergeCompletion#ANY}: the stream completes when the first source completes, cancelling
     *     the others; a source that fails does not count as completed.
     * </ul>
     *
     * @param sources the sources by name, in the order they are subscribed to
     */
    public static <T> Flux<Tagged<T>> merge(Map<String, ? extends Publisher<? extends T>> sources, MergeErrors errors,
            MergeCompletion completion) {
        Objects.requireNonNull(errors, "errors");
        Objects.requireNonNull(completion, "completion");
        Map<String, ? extends Publisher<? extends T>> named = new LinkedHashMap<>(sources);
        return Flux.defer(() -> {
            Sinks.One<Boolean> firstCompleted = Sinks.one();
            List<SourceFailedException> failures = Collections.synchronizedList(new ArrayList<>());
            List<Flux<Tagged<T>>> tagged = new ArrayList<>(named.size());
            named.forEach((name, source) -> {
                Flux<Tagged<T>> flux = Flux.<T>from(source)
                        .map(value -> new Tagged<T>(name, value))
                        .doOnComplete(() -> firstCompleted.tryEmitValue(true))
                        .onErrorMap(error -> new SourceFailedException(name, error));
                if (errors == MergeErrors.CONTINUE) {
                    flux = flux.onErrorResume(SourceFailedException.class, failure -> {
                        failures.add(failure);
                        return Flux.empty();
                    });
                }
                tagged.add(flux);
            });
            Flux<Tagged<T>> merged = Flux.merge(tagged);
            if (completion == MergeCompletion.ANY) {
                merged = merged.takeUntilOther(firstCompleted.asMono());
            }
            if (errors == MergeErrors.CONTINUE) {
                merged = merged.concatWith(Flux.defer(() -> failures.isEmpty() ? Flux.empty() : Flux.error(combine(failures))));
            }
            return merged;
        });
    }

    private static SourceFailedException combine(List<SourceFailedException> failures) {
        synchronized (failures) {
            SourceFailedException first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            return first;
        }
    }

    // ----- Errors -----

    /**
     * Ends the stream cleanly with one last element made from its error, such as an error-shaped item
     * for the client, instead of failing. The error is logged, so it is never lost.
     */
    public static <T> Function<Flux<T>, Flux<T>> endOnError(Function<? super Throwable, ? extends T> lastElement) {
        Objects.requireNonNull(lastElement, "lastElement");
        return source -> source.onErrorResume(error -> {
            LOG.warn("Stream failed; ending it with an error element", error);
            return Mono.just(lastElement.apply(error));
        });
    }

    /**
     * Resubscribes to the source after an error that the policy retries, with its backoff and attempt
     * limit, then ends like {@link #endOnError} if the error persists or is not retryable. A resubscription
     * replays the source from its start, as {@link RetryPolicy#forFlux()} explains; for a run's events use
     * {@link #resumeOnError}, which resumes after the last event instead.
     *
     * @param scheduler the scheduler of the backoff waits, or null for {@code Schedulers.parallel()}
     */
    public static <T> Function<Flux<T>, Flux<T>> retryThenEnd(RetryPolicy policy, Scheduler scheduler,
            Function<? super Throwable, ? extends T> lastElement) {
        Objects.requireNonNull(policy, "policy");
        Function<Flux<T>, Flux<T>> end = endOnError(lastElement);
        return source -> end.apply(source.retryWhen(policy.toReactorRetry(scheduler, policy::isRetryable)));
    }

    /**
     * Streams a run's events after {@code afterSequence} and, when the stream fails with an error the
     * policy retries, opens it again after the last event delivered, so no event repeats and none is
     * skipped. The policy's attempt limit counts every failure of this stream, however many events
     * arrived between them. An error that persists or is not retryable fails the stream; follow with
     * {@link #failureAsNotice} to end it with a notice instead.
     *
     * @param streamAfter opens the stream of events after a sequence number, such as {@code run::eventsAfter}
     * @param scheduler the scheduler of the backoff waits, or null for {@code Schedulers.parallel()}
     */
    public static Flux<AgentEvent> resumeOnError(long afterSequence, LongFunction<? extends Publisher<AgentEvent>> streamAfter,
            RetryPolicy policy, Scheduler scheduler) {
        Objects.requireNonNull(streamAfter, "streamAfter");
        Objects.requireNonNull(policy, "policy");
        return Flux.defer(() -> {
            AtomicLong last = new AtomicLong(afterSequence);
            return Flux.defer(() -> Flux.from(streamAfter.apply(last.get())))
                    .doOnNext(event -> last.set(event.sequence()))
                    .retryWhen(policy.toReactorRetry(scheduler, policy::isRetryable));
        });
    }

    /**
     * Wraps each event as a {@link StreamItem} and turns a failure of the stream into a terminal
     * {@link StreamNotice.StreamFailed} notice, shaped like an error event and giving the last sequence
     * number delivered so the client can resume; the stream then completes. The failure is logged.
     */
    public static Function<Flux<AgentEvent>, Flux<StreamItem>> failureAsNotice(String runId) {
        Objects.requireNonNull(runId, "runId");
        return source -> Flux.defer(() -> {
            AtomicLong last = new AtomicLong();
            return source.doOnNext(event -> last.set(event.sequence()))
                    .map(StreamItem::of)
                    .onErrorResume(error -> {
                        LOG.warn("The event stream of run {} failed after sequence number {}", runId, last.get(), error);
                        return Mono.just(StreamNotice.StreamFailed.of(runId, error, last.get()));
                    });
        });
    }

    // ----- Helpers -----

    private static Scheduler timer(Scheduler scheduler) {
        return scheduler != null ? scheduler : Schedulers.parallel();
    }

    private static void requirePositive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException("Invalid " + name + " " + value + ": use 1 or more");
        }
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("Invalid " + name + " " + value + ": use a positive duration");
        }
    }

    /**
     * The state of one {@link #throttle} subscription: the start of the current period and the permits
     * used in it, in scheduler nanoseconds. Only the {@code concatMap} inner publisher touches it, one
     * element at a time.
     */
    private static final class RateWindow {
        private final int permits;
        private final long periodNanos;
        private long periodStart;
        private int used;

        RateWindow(int permits, long periodNanos) {
            this.permits = permits;
            this.periodNanos = periodNanos;
        }

        /** Counts an emission now; returns how long to wait before the next one, 0 if a permit is left. */
        long recordEmission(long now) {
            if (used == 0 || now - periodStart >= periodNanos) {
                periodStart = now;
                used = 0;
            }
            used++;
            if (used < permits) {
                return 0;
            }
            return Math.max(1, periodStart + periodNanos - now);
        }
    }

    /** The state of one {@link #coalesceTokens} subscription: the tokens held and not yet sent. */
    private static final class TokenJoiner {
        private final int maxChars;
        private final TokenBoundary boundary;
        private final StringBuilder text = new StringBuilder();
        private Token last;

        TokenJoiner(int maxChars, TokenBoundary boundary) {
            this.maxChars = maxChars;
            this.boundary = boundary;
        }

        /** Returns the events to send now, in order, for the next event of the source. */
        List<AgentEvent> accept(AgentEvent event) {
            List<AgentEvent> out = new ArrayList<>(2);
            if (!(event instanceof Token token)) {
                out.addAll(flush());
                out.add(event);
                return out;
            }
            if (last != null && (!last.runId().equals(token.runId()) || text.length() + token.text().length() > maxChars)) {
                out.addAll(flush());
            }
            text.append(token.text());
            last = token;
            if (text.length() >= maxChars || boundary.endsAt(text)) {
                out.addAll(flush());
            }
            return out;
        }

        /** Returns the held tokens as one token, or nothing if none are held, and empties the joiner. */
        List<AgentEvent> flush() {
            if (last == null) {
                return List.of();
            }
            Token joined = new Token(last.runId(), last.sequence(), last.timestamp(), text.toString());
            text.setLength(0);
            last = null;
            return List.of(joined);
        }
    }
}
