package dev.agentforge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorCodes;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Progress;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import dev.agentforge.event.Token;
import dev.agentforge.event.Usage;
import dev.agentforge.model.ModelException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProducedRunTest {

    private static List<AgentEvent> eventsOf(AgentRun run) throws Exception {
        run.result().get(10, TimeUnit.SECONDS);
        return run.events().collectList().block(Duration.ofSeconds(5));
    }

    @Test
    void producerEventsFollowRunStarted() throws Exception {
        Agent agent = Agent.builder()
                .producer(driver -> {
                    driver.thought("planning");
                    driver.action("call_1", "lookup", "{}");
                    driver.observation("call_1", "lookup", "found", null, 3);
                    driver.progress(1, 2L, "half");
                    driver.token("Hi");
                    driver.addUsage(new Usage(2, 1, 3));
                    driver.complete("Hi");
                })
                .modelName("external")
                .build();

        AgentRun run = agent.start(RunRequest.of("hello"));
        List<AgentEvent> events = eventsOf(run);

        assertThat(events).extracting(AgentEvent::type).containsExactly(
                "run_started", "thought", "action", "observation", "progress", "token", "done");
        assertThat(events).extracting(AgentEvent::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(((RunStarted) events.getFirst()).model()).isEqualTo("external");
        assertThat(((Progress) events.get(4)).total()).isEqualTo(2L);
        RunCompleted done = (RunCompleted) events.getLast();
        assertThat(done.answer()).isEqualTo("Hi");
        assertThat(done.usage()).isEqualTo(new Usage(2, 1, 3));
    }

    @Test
    void returnWithoutEndIsInternalError() throws Exception {
        AgentRun run = Agent.builder().producer(driver -> driver.token("half")).build().start("hello");
        List<AgentEvent> events = eventsOf(run);

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        ErrorEvent error = (ErrorEvent) events.getLast();
        assertThat(error.code()).isEqualTo(ErrorCodes.INTERNAL_ERROR);
        assertThat(error.message()).contains("returned without ending the run");
    }

    @Test
    void modelExceptionKeepsCodeAndPartialText() throws Exception {
        AgentRun run = Agent.builder()
                .producer(driver -> {
                    driver.token("Hel");
                    throw new ModelException(ErrorCodes.MODEL_OVERLOADED, "overloaded", true, "Hel");
                })
                .build()
                .start("hello");
        ErrorEvent error = (ErrorEvent) eventsOf(run).getLast();

        assertThat(error.code()).isEqualTo(ErrorCodes.MODEL_OVERLOADED);
        assertThat(error.retryable()).isTrue();
        assertThat(error.partialText()).isEqualTo("Hel");
    }

    @Test
    void driverAppendsNothingAfterEnd() throws Exception {
        AtomicBoolean completed = new AtomicBoolean();
        AtomicReference<Token> lateToken = new AtomicReference<>();
        AtomicBoolean lateFailure = new AtomicBoolean(true);
        java.util.concurrent.CountDownLatch producerReturned = new java.util.concurrent.CountDownLatch(1);
        Agent agent = Agent.builder()
                .producer(driver -> {
                    completed.set(driver.complete("first"));
                    lateToken.set(driver.token("late"));
                    lateFailure.set(driver.fail(ErrorCodes.MODEL_ERROR, "late", false, null));
                    producerReturned.countDown();
                })
                .build();

        List<AgentEvent> events = eventsOf(agent.start("hello"));
        // The stream ends when complete() closes the log, which can be before the producer goes on.
        assertThat(producerReturned.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        assertThat(events).extracting(AgentEvent::type).containsExactly("run_started", "done");
        assertThat(completed).isTrue();
        assertThat(lateToken.get()).isNull();
        assertThat(lateFailure).isFalse();
    }

    @Test
    void builderWithoutModelOrProducerFails() {
        assertThatThrownBy(() -> Agent.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("producer(...)");
    }
}
