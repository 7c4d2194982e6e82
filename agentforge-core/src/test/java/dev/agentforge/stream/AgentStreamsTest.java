package dev.agentforge.stream;

import static dev.agentforge.stream.Events.action;
import static dev.agentforge.stream.Events.completed;
import static dev.agentforge.stream.Events.started;
import static dev.agentforge.stream.Events.thought;
import static dev.agentforge.stream.Events.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorCodes;
import dev.agentforge.event.Thought;
import dev.agentforge.event.Token;
import dev.agentforge.resilience.RetryPolicy;
import dev.agentforge.transport.InMemoryEventLog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class AgentStreamsTest {

    // A safety net so that a broken operator fails its test instead of hanging the build; virtual
    // time does not count toward it.
    @BeforeAll
    static void limitVerifyTime() {
        StepVerifier.setDefaultTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void resetVerifyTime() {
        StepVerifier.resetDefaultTimeout();
    }

    // ----- chunk -----

    @Test
    void chunkGroupsFixedSizes() {
        StepVerifier.create(Flux.range(1, 7).transform(AgentStreams.chunk(3)))
                .expectNext(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7))
                .verifyComplete();
    }

    // ----- coalesceTokens -----

    @Test
    void coalesceJoinsTokensAtWordBoundary() {
        Flux<AgentEvent> events = Flux.just(token(1, "Hel"), token(2, "lo "), token(3, "wor"), token(4, "ld"));

        List<AgentEvent> out = events.transform(AgentStreams.coalesceTokens(100, TokenBoundary.WORD)).collectList().block();

        assertThat(out).containsExactly(token(2, "Hello "), token(4, "world"));
    }

    @Test
    void coalesceCarriesLastSequenceAndTimestamp() {
        List<AgentEvent> out = Flux.<AgentEvent>just(token(5, "a"), token(6, "b"), token(7, "c"))
                .transform(AgentStreams.coalesceTokens(100, TokenBoundary.NONE)).collectList().block();

        assertThat(out).hasSize(1);
        Token joined = (Token) out.getFirst();
        assertThat(joined.text()).isEqualTo("abc");
        assertThat(joined.sequence()).isEqualTo(7);
        assertThat(joined.timestamp()).isEqualTo(Events.at(7));
    }

    @Test
    void coalesceNeverCrossesOtherEvents() {
        Flux<AgentEvent> events = Flux.just(started(1), token(2, "a"), token(3, "b"), action(4), token(5, "c"),
                thought(6, "hm"), token(7, "d"), completed(8));

        List<AgentEvent> out = events.transform(AgentStreams.coalesceTokens(100, TokenBoundary.NONE)).collectList().block();

        assertThat(out).containsExactly(started(1), token(3, "ab"), action(4), token(5, "c"), thought(6, "hm"),
                token(7, "d"), completed(8));
    }

    @Test
    void coalesceKeepsToMaxChars() {
        Flux<AgentEvent> events = Flux.just(token(1, "abc"), token(2, "de"), token(3, "f"), token(4, "0123456789"),
                token(5, "g"));

        List<AgentEvent> out = events.transform(AgentStreams.coalesceTokens(4, TokenBoundary.NONE)).collectList().block();

        assertThat(out).containsExactly(token(1, "abc"), token(3, "def"), token(4, "0123456789"), token(5, "g"));
    }

    @Test
    void coalesceSendsAtSentenceEnd() {
        Flux<AgentEvent> events = Flux.just(token(1, "It is"), token(2, " 3.5 "), token(3, "now. "), token(4, "Next"),
                token(5, " line\n"), token(6, "end"));

        List<AgentEvent> out = events.transform(AgentStreams.coalesceTokens(100, TokenBoundary.SENTENCE))
                .collectList().block();

        assertThat(out).containsExactly(token(3, "It is 3.5 now. "), token(5, "Next line\n"), token(6, "end"));
    }

    @Test
    void coalesceSendsHeldTokensBeforeError() {
        Flux<AgentEvent> events = Flux.<AgentEvent>just(token(1, "par"), token(2, "tial"))
                .concatWith(Flux.error(new IOException("connection reset")));

        StepVerifier.create(events.transform(AgentStreams.coalesceTokens(100, TokenBoundary.WORD)))
                .expectNext(token(2, "partial"))
                .verifyErrorMessage("connection reset");
    }

    // ----- batch -----

    private record Batch(long emittedAtMillis, List<Long> arrivalMillis) {
    }

    @Test
    void batchFlushesWithinMaxWaitOfFirstItem() {
        List<Batch> batches = new CopyOnWriteArrayList<>();

        // 8 items per second: one every 125 ms, 40 items in all; each item is its arrival time.
        StepVerifier.withVirtualTime(() -> {
            VirtualTimeScheduler time = VirtualTimeScheduler.get();
            return Flux.interval(Duration.ofMillis(125)).take(40)
                    .map(tick -> time.now(TimeUnit.MILLISECONDS))
                    .transform(AgentStreams.batch(100, Duration.ofMillis(250)))
                    .doOnNext(batch -> batches.add(new Batch(time.now(TimeUnit.MILLISECONDS), batch)));
        })
                .thenAwait(Duration.ofSeconds(10))
                .thenConsumeWhile(batch -> true)
                .verifyComplete();

        List<Long> all = batches.stream().flatMap(batch -> batch.arrivalMillis().stream()).toList();
        assertThat(all).hasSize(40);
        assertThat(all).isSorted();
        for (Batch batch : batches) {
            long waited = batch.emittedAtMillis() - batch.arrivalMillis().getFirst();
            assertThat(waited).as("wait of the batch starting at %d ms", batch.arrivalMillis().getFirst())
                    .isBetween(0L, 250L);
        }
        assertThat(batches.size()).isGreaterThan(10);
    }

    @Test
    void batchFlushesLastPartialOnCompletion() {
        List<Batch> batches = new CopyOnWriteArrayList<>();

        // Items at 125, 250, ..., 625 ms; the source completes right after the fifth.
        StepVerifier.withVirtualTime(() -> {
            VirtualTimeScheduler time = VirtualTimeScheduler.get();
            return Flux.interval(Duration.ofMillis(125)).take(5)
                    .map(tick -> time.now(TimeUnit.MILLISECONDS))
                    .transform(AgentStreams.batch(4, Duration.ofSeconds(10)))
                    .doOnNext(batch -> batches.add(new Batch(time.now(TimeUnit.MILLISECONDS), batch)));
        })
                .thenAwait(Duration.ofMillis(625))
                .expectNextCount(2)
                .verifyComplete();

        assertThat(batches.get(0)).isEqualTo(new Batch(500, List.of(125L, 250L, 375L, 500L)));
        assertThat(batches.get(1)).isEqualTo(new Batch(625, List.of(625L)));
    }

    @Test
    void batchWaitIsNotRestartedByLaterItems() {
        // Items at 100, 200 and 300 ms: a quiet-period timer would wait until 550 ms.
        StepVerifier.withVirtualTime(() -> Flux.just(1, 2, 3).delayElements(Duration.ofMillis(100))
                        .concatWith(Flux.never())
                        .transform(AgentStreams.batch(10, Duration.ofMillis(250))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(349))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(List.of(1, 2, 3))
                .thenCancel()
                .verify();
    }

    // ----- throttle -----

    @Test
    void throttleDelaySpreadsBurstOverPeriods() {
        List<Long> emittedAt = new ArrayList<>();

        StepVerifier.withVirtualTime(() -> {
            VirtualTimeScheduler time = VirtualTimeScheduler.get();
            return Flux.range(1, 7)
                    .transform(AgentStreams.<Integer>throttle(3, Duration.ofSeconds(1), ThrottleMode.DELAY))
                    .doOnNext(element -> emittedAt.add(time.now(TimeUnit.MILLISECONDS)));
        })
                .thenAwait(Duration.ofSeconds(5))
                .expectNext(1, 2, 3, 4, 5, 6, 7)
                .verifyComplete();

        assertThat(emittedAt).containsExactly(0L, 0L, 0L, 1000L, 1000L, 1000L, 2000L);
    }

    @Test
    void throttleDropReportsDropped() {
        List<Integer> dropped = new ArrayList<>();

        StepVerifier.withVirtualTime(() -> Flux.range(1, 10)
                        .transform(AgentStreams.throttle(3, Duration.ofSeconds(1), ThrottleMode.DROP, null, dropped::add)))
                .expectNext(1, 2, 3)
                .thenAwait(Duration.ofSeconds(1))
                .verifyComplete();

        assertThat(dropped).containsExactly(4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void throttleKeepLatestEmitsNewestNextPeriod() {
        List<Integer> dropped = new ArrayList<>();
        List<Long> emittedAt = new ArrayList<>();

        StepVerifier.withVirtualTime(() -> {
            VirtualTimeScheduler time = VirtualTimeScheduler.get();
            return Flux.range(1, 10)
                    .transform(AgentStreams.throttle(2, Duration.ofSeconds(1), ThrottleMode.KEEP_LATEST, null, dropped::add))
                    .doOnNext(element -> emittedAt.add(time.now(TimeUnit.MILLISECONDS)));
        })
                .thenAwait(Duration.ofSeconds(3))
                .expectNext(1, 2, 10)
                .verifyComplete();

        assertThat(emittedAt).containsExactly(0L, 0L, 1000L);
        assertThat(dropped).containsExactly(3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void throttleStartsFreshPeriodAfterIdle() {
        List<Long> emittedAt = new ArrayList<>();

        // Elements at 0, 100 and 5000 ms with 2 permits per second: none waits.
        StepVerifier.withVirtualTime(() -> {
            VirtualTimeScheduler time = VirtualTimeScheduler.get();
            Flux<Long> elements = Flux.concat(Mono.just(0L),
                    Mono.delay(Duration.ofMillis(100)).thenReturn(100L),
                    Mono.delay(Duration.ofMillis(4900)).thenReturn(5000L));
            return elements
                    .transform(AgentStreams.<Long>throttle(2, Duration.ofSeconds(1), ThrottleMode.DELAY))
                    .doOnNext(element -> emittedAt.add(time.now(TimeUnit.MILLISECONDS)));
        })
                .thenAwait(Duration.ofSeconds(10))
                .expectNextCount(3)
                .verifyComplete();

        assertThat(emittedAt).containsExactly(0L, 100L, 5000L);
    }

    // ----- selecting, mapping, collecting -----

    @Test
    void selectAndMapOperators() {
        Flux<AgentEvent> events = Flux.just(started(1), thought(2, "plan"), token(3, "secret "), token(4, "text"),
                completed(5), token(6, "after"));

        assertThat(events.transform(AgentStreams.ofType(Thought.class)).collectList().block())
                .containsExactly(thought(2, "plan"));
        assertThat(events.transform(AgentStreams.excluding(Thought.class, Token.class)).map(AgentEvent::type)
                .collectList().block()).containsExactly("run_started", "done");
        assertThat(events.transform(AgentStreams.mapText(text -> text.replace("secret", "******")))
                .ofType(Token.class).map(Token::text).collectList().block())
                .containsExactly("****** ", "text", "after");
        assertThat(events.transform(AgentStreams.untilTerminal()).collectList().block()).hasSize(5).last()
                .isEqualTo(completed(5));
        assertThat(events.transform(AgentStreams.take(2)).collectList().block()).hasSize(2);
    }

    @Test
    void collectTextAndCountByType() {
        Flux<AgentEvent> events = Flux.just(started(1), token(2, "Hello "), action(3), token(4, "world"), completed(5));

        assertThat(events.as(AgentStreams.collectText()).block()).isEqualTo("Hello world");
        Map<String, Long> counts = events.as(AgentStreams.countByType()).block();
        assertThat(counts).containsExactly(Map.entry("run_started", 1L), Map.entry("token", 2L),
                Map.entry("action", 1L), Map.entry("done", 1L));
    }

    // ----- merge -----

    @Test
    void mergeTagsEachElementWithSource() {
        Map<String, Flux<Integer>> sources = new LinkedHashMap<>();
        sources.put("a", Flux.just(1, 2));
        sources.put("b", Flux.just(3));

        List<Tagged<Integer>> out = AgentStreams.merge(sources, MergeErrors.FAIL_FAST, MergeCompletion.ALL)
                .collectList().block();

        assertThat(out).containsExactlyInAnyOrder(new Tagged<>("a", 1), new Tagged<>("a", 2), new Tagged<>("b", 3));
    }

    @Test
    void mergeFailFastCancelsOthers() {
        AtomicInteger cancelled = new AtomicInteger();
        Map<String, Flux<Integer>> sources = new LinkedHashMap<>();
        sources.put("slow", Flux.<Integer>never().doOnCancel(cancelled::incrementAndGet));
        sources.put("broken", Flux.just(1).concatWith(Flux.error(new IOException("down"))));

        StepVerifier.create(AgentStreams.merge(sources, MergeErrors.FAIL_FAST, MergeCompletion.ALL))
                .expectNext(new Tagged<>("broken", 1))
                .verifyErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(SourceFailedException.class);
                    assertThat(((SourceFailedException) error).source()).isEqualTo("broken");
                    assertThat(error.getCause()).hasMessage("down");
                });
        assertThat(cancelled).hasValue(1);
    }

    @Test
    void mergeContinueFailsAtEndWithAllFailures() {
        Map<String, Flux<Integer>> sources = new LinkedHashMap<>();
        sources.put("first", Flux.error(new IOException("first down")));
        sources.put("good", Flux.just(1, 2));
        sources.put("second", Flux.error(new IOException("second down")));

        StepVerifier.create(AgentStreams.merge(sources, MergeErrors.CONTINUE, MergeCompletion.ALL))
                .expectNext(new Tagged<>("good", 1), new Tagged<>("good", 2))
                .verifyErrorSatisfies(error -> {
                    assertThat(((SourceFailedException) error).source()).isEqualTo("first");
                    assertThat(error.getSuppressed()).hasSize(1);
                    assertThat(((SourceFailedException) error.getSuppressed()[0]).source()).isEqualTo("second");
                });
    }

    @Test
    void mergeAnyCompletesWithFirstSource() {
        AtomicInteger cancelled = new AtomicInteger();
        Map<String, Flux<Integer>> sources = new LinkedHashMap<>();
        sources.put("endless", Flux.<Integer>never().doOnCancel(cancelled::incrementAndGet));
        sources.put("short", Flux.just(7));

        StepVerifier.create(AgentStreams.merge(sources, MergeErrors.FAIL_FAST, MergeCompletion.ANY))
                .expectNext(new Tagged<>("short", 7))
                .verifyComplete();
        assertThat(cancelled).hasValue(1);
    }

    @Test
    void mergeAnyIgnoresFailedSourceButReportsIt() {
        Sinks.Many<Integer> live = Sinks.many().unicast().onBackpressureBuffer();
        Map<String, Flux<Integer>> sources = new LinkedHashMap<>();
        sources.put("broken", Flux.error(new IOException("down")));
        sources.put("live", live.asFlux());

        StepVerifier.create(AgentStreams.merge(sources, MergeErrors.CONTINUE, MergeCompletion.ANY))
                .then(() -> live.tryEmitNext(1))
                .expectNext(new Tagged<>("live", 1))
                .then(live::tryEmitComplete)
                .verifyErrorSatisfies(error -> assertThat(((SourceFailedException) error).source()).isEqualTo("broken"));
    }

    // ----- errors -----

    @Test
    void endOnErrorEndsCleanlyWithErrorElement() {
        StepVerifier.create(Flux.just("a").concatWith(Flux.error(new IllegalStateException("boom")))
                        .transform(AgentStreams.endOnError(error -> "failed: " + error.getMessage())))
                .expectNext("a", "failed: boom")
                .verifyComplete();
    }

    @Test
    void retryThenEndRetriesRetryableWithBackoff() {
        RetryPolicy policy = RetryPolicy.builder("test").maxAttempts(3).backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(10))
                .jitter(0).build();
        AtomicInteger attempts = new AtomicInteger();

        StepVerifier.withVirtualTime(() -> Flux.defer(() -> attempts.incrementAndGet() < 3
                                ? Flux.<String>error(new IOException("reset"))
                                : Flux.just("ok"))
                        .transform(AgentStreams.retryThenEnd(policy, null, error -> "gave up")))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(2999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("ok")
                .verifyComplete();
        assertThat(attempts).hasValue(3);
    }

    @Test
    void retryThenEndEndsOnNonRetryable() {
        RetryPolicy policy = RetryPolicy.builder("test").maxAttempts(3).jitter(0).build();
        AtomicInteger attempts = new AtomicInteger();

        StepVerifier.withVirtualTime(() -> Flux.defer(() -> {
                    attempts.incrementAndGet();
                    return Flux.<String>error(new IllegalArgumentException("bad input"));
                }).transform(AgentStreams.retryThenEnd(policy, null, error -> "gave up: " + error.getMessage())))
                .expectNext("gave up: bad input")
                .verifyComplete();
        assertThat(attempts).hasValue(1);
    }

    @Test
    void resumeOnErrorContinuesAfterLastEvent() {
        InMemoryEventLog log = new InMemoryEventLog(Events.RUN);
        log.append(started(1));
        for (long sequence = 2; sequence <= 5; sequence++) {
            log.append(token(sequence, "t" + sequence));
        }
        log.append(completed(6));
        log.close();
        RetryPolicy policy = RetryPolicy.builder("test").maxAttempts(3).backoff(Duration.ofMillis(100), 1, Duration.ofMillis(100))
                .jitter(0).build();
        List<Long> openedAfter = new ArrayList<>();
        AtomicInteger opened = new AtomicInteger();

        StepVerifier.withVirtualTime(() -> AgentStreams.resumeOnError(0, after -> {
                    openedAfter.add(after);
                    Flux<AgentEvent> stream = log.stream(after);
                    // The first stream breaks after two events.
                    return opened.getAndIncrement() == 0 ? stream.take(2).concatWith(Flux.error(new IOException("reset"))) : stream;
                }, policy, null).map(AgentEvent::sequence))
                .expectNext(1L, 2L)
                .thenAwait(Duration.ofMillis(100))
                .expectNext(3L, 4L, 5L, 6L)
                .verifyComplete();
        assertThat(openedAfter).containsExactly(0L, 2L);
    }

    @Test
    void failureAsNoticeEndsWithStreamFailed() {
        Flux<AgentEvent> events = Flux.<AgentEvent>just(started(1), token(2, "a"))
                .concatWith(Flux.error(new IllegalStateException("log gone")));

        List<StreamItem> items = events.transform(AgentStreams.failureAsNotice(Events.RUN)).collectList().block();

        assertThat(items).hasSize(3);
        assertThat(items.get(0)).isEqualTo(StreamItem.of(started(1)));
        StreamNotice.StreamFailed failed = (StreamNotice.StreamFailed) items.get(2);
        assertThat(failed.code()).isEqualTo(ErrorCodes.INTERNAL_ERROR);
        assertThat(failed.lastSequence()).isEqualTo(2);
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.message()).contains("log gone");
        assertThat(failed.terminal()).isTrue();
    }

    @Test
    void operatorsRejectInvalidArguments() {
        assertThatThrownBy(() -> AgentStreams.chunk(0))
                .hasMessage("Invalid chunk size 0: use 1 or more");
        assertThatThrownBy(() -> AgentStreams.batch(5, Duration.ZERO))
                .hasMessage("Invalid maxWait PT0S: use a positive duration");
        assertThatThrownBy(
                        () -> AgentStreams.throttle(0, Duration.ofSeconds(1), ThrottleMode.DROP))
                .hasMessage("Invalid permits 0: use 1 or more");
    }
}
