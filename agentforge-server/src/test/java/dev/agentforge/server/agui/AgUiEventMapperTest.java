package dev.agentforge.server.agui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.event.Action;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.Observation;
import dev.agentforge.event.Progress;
import dev.agentforge.event.RunCancelled;
import dev.agentforge.event.RunCompleted;
import dev.agentforge.event.RunStarted;
import dev.agentforge.event.Thought;
import dev.agentforge.event.Token;
import dev.agentforge.event.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class AgUiEventMapperTest {

    private static final String RUN = "run_1";
    private static final Instant T = Instant.parse("2026-12-04T10:15:30.123Z");

    private final AgUiEventMapper mapper = new AgUiEventMapper("thread-a", "agui-run-a");
    private long sequence;

    @Test
    void toolRunMapsToStepsAndMessages() {
        List<ObjectNode> events = mapAll(
                started(),
                new Thought(RUN, ++sequence, T, "I use the calculator."),
                new Action(RUN, ++sequence, T, "call_1", "calculator", "{\"expression\":\"6 * 7\"}"),
                new Observation(RUN, ++sequence, T, "call_1", "calculator", "42", null, 3),
                new Token(RUN, ++sequence, T, "The result"),
                new Token(RUN, ++sequence, T, " is 42."),
                new RunCompleted(RUN, ++sequence, T, "The result is 42.", new Usage(10, 5, 15)));

        assertThat(types(events)).containsExactly("RUN_STARTED", "STEP_STARTED", "REASONING_START",
                "REASONING_MESSAGE_START", "REASONING_MESSAGE_CONTENT", "REASONING_MESSAGE_END", "REASONING_END",
                "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "TOOL_CALL_RESULT", "STEP_FINISHED",
                "STEP_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT",
                "TEXT_MESSAGE_END", "STEP_FINISHED", "RUN_FINISHED");
        ObjectNode runStarted = events.getFirst();
        assertThat(runStarted.path("threadId").asString()).isEqualTo("thread-a");
        assertThat(runStarted.path("runId").asString()).isEqualTo("agui-run-a");
        assertThat(runStarted.path("timestamp").asLong()).isEqualTo(T.toEpochMilli());
        assertThat(runStarted.path("metadata").path("agentforge").path("runId").asString()).isEqualTo(RUN);
        ObjectNode toolStart = find(events, "TOOL_CALL_START");
        assertThat(toolStart.path("toolCallId").asString()).isEqualTo("run_1-call_1");
        assertThat(toolStart.path("toolCallName").asString()).isEqualTo("calculator");
        assertThat(toolStart.path("parentMessageId").asString()).startsWith("run_1-message-");
        assertThat(find(events, "TOOL_CALL_ARGS").path("delta").asString()).isEqualTo("{\"expression\":\"6 * 7\"}");
        ObjectNode result = find(events, "TOOL_CALL_RESULT");
        assertThat(result.path("content").asString()).isEqualTo("42");
        assertThat(result.path("toolCallId").asString()).isEqualTo("run_1-call_1");
        assertThat(result.path("role").asString()).isEqualTo("tool");
        ObjectNode finished = events.getLast();
        assertThat(finished.path("result").asString()).isEqualTo("The result is 42.");
        assertThat(finished.path("outcome").path("type").asString()).isEqualTo("success");
        assertThat(finished.path("usage").get(0).path("totalTokens").asLong()).isEqualTo(15);
        assertThat(finished.path("usage").get(0).path("model").asString()).isEqualTo("scripted");
        assertThat(mapper.finished()).isTrue();
    }

    @Test
    void answerWithoutTokensBecomesMessage() {
        List<ObjectNode> events = mapAll(started(),
                new RunCompleted(RUN, ++sequence, T, "Whole answer", new Usage(1, 2, 3)));

        assertThat(types(events)).containsExactly("RUN_STARTED", "STEP_STARTED", "TEXT_MESSAGE_START",
                "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "STEP_FINISHED", "RUN_FINISHED");
        assertThat(find(events, "TEXT_MESSAGE_CONTENT").path("delta").asString()).isEqualTo("Whole answer");
    }

    @Test
    void failedToolCallCarriesError() {
        List<ObjectNode> events = mapAll(started(),
                new Action(RUN, ++sequence, T, "call_1", "calculator", ""),
                new Observation(RUN, ++sequence, T, "call_1", "calculator", null, "bad expression", 1));

        assertThat(types(events)).doesNotContain("TOOL_CALL_ARGS");
        ObjectNode result = find(events, "TOOL_CALL_RESULT");
        assertThat(result.path("content").asString()).isEqualTo("bad expression");
        assertThat(result.path("metadata").path("agentforge").path("failed").asBoolean()).isTrue();
    }

    @Test
    void fatalErrorClosesOpenMessage() {
        List<ObjectNode> events = mapAll(started(),
                new Token(RUN, ++sequence, T, "partial"),
                new ErrorEvent(RUN, ++sequence, T, "model_unavailable", "connection reset", true, "partial", true));

        assertThat(types(events)).containsExactly("RUN_STARTED", "STEP_STARTED", "TEXT_MESSAGE_START",
                "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "STEP_FINISHED", "RUN_ERROR");
        ObjectNode error = events.getLast();
        assertThat(error.path("code").asString()).isEqualTo("model_unavailable");
        assertThat(error.path("message").asString()).isEqualTo("connection reset");
        assertThat(error.path("metadata").path("agentforge").path("retryable").asBoolean()).isTrue();
    }

    @Test
    void cancelFinishesWithCancelledOutcome() {
        List<ObjectNode> events = mapAll(started(), new RunCancelled(RUN, ++sequence, T, "stopped by user"));

        ObjectNode finished = events.getLast();
        assertThat(finished.path("type").asString()).isEqualTo("RUN_FINISHED");
        assertThat(finished.path("outcome").path("type").asString()).isEqualTo("cancelled");
        assertThat(finished.path("metadata").path("agentforge").path("cancelReason").asString())
                .isEqualTo("stopped by user");
    }

    @Test
    void progressAndWarningsBecomeCustom() {
        List<ObjectNode> events = mapAll(started(),
                new Progress(RUN, ++sequence, T, 2, 5L, "rows"),
                new ErrorEvent(RUN, ++sequence, T, "model_rate_limited", "retrying", true, null, false));

        ObjectNode progress = events.get(2);
        assertThat(progress.path("type").asString()).isEqualTo("CUSTOM");
        assertThat(progress.path("name").asString()).isEqualTo("agentforge.progress");
        assertThat(progress.path("value").path("total").asLong()).isEqualTo(5);
        ObjectNode warning = events.get(3);
        assertThat(warning.path("name").asString()).isEqualTo("agentforge.error");
        assertThat(warning.path("value").path("code").asString()).isEqualTo("model_rate_limited");
        assertThat(mapper.finished()).isFalse();
    }

    @Test
    void abortEndsRunOnce() {
        mapAll(started(), new Token(RUN, ++sequence, T, "partial"));

        List<ObjectNode> abort = mapper.abort(RUN, "stream_closed", "the server is stopping");

        assertThat(types(abort)).containsExactly("TEXT_MESSAGE_END", "STEP_FINISHED", "RUN_ERROR");
        assertThat(mapper.abort(RUN, "stream_closed", "again")).isEmpty();
        assertThatThrownBy(() -> mapper.map(new Token(RUN, ++sequence, T, "late")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already ended");
    }

    private RunStarted started() {
        return new RunStarted(RUN, ++sequence, T, "input", "scripted", null, "anonymous");
    }

    private List<ObjectNode> mapAll(AgentEvent... events) {
        List<ObjectNode> out = new ArrayList<>();
        for (AgentEvent event : events) {
            out.addAll(mapper.map(event));
        }
        return out;
    }

    private static List<String> types(List<ObjectNode> events) {
        return events.stream().map(event -> event.path("type").asString()).toList();
    }

    private static ObjectNode find(List<ObjectNode> events, String type) {
        return events.stream().filter(event -> event.path("type").asString().equals(type)).findFirst().orElseThrow();
    }
}
