package dev.agentforge.server.agui;

import dev.agentforge.event.Action;
import dev.agentforge.event.AgentEvent;
import dev.agentforge.event.ErrorEvent;
import dev.agentforge.event.EventCodec;
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
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Translates the events of one run into AG-UI protocol events (@ag-ui/core 1.0.0). It keeps the
 * state that AG-UI needs and our events leave implicit: which text message, reasoning message and
 * step are open, so that every start has its end before the run's last event.
 *
 * <p>A step is one model turn and the tool calls it requested: step 1 opens after
 * {@code RUN_STARTED}, and the first token, thought or action after a tool result opens the next.
 * Each unbroken series of tokens is one assistant text message, and each series of thoughts is one
 * reasoning span with one reasoning message. The tool calls of a step carry the id of the step's
 * assistant message as {@code parentMessageId}, so AG-UI clients attach them to one message.
 *
 * <p>Ids minted here start with our run id, which is unique, so they stay unique across the runs
 * of an AG-UI thread. docs/agui.md has the whole mapping table.
 *
 * <p>Not thread-safe: feed one run's events in sequence order from one thread.
 */
public final class AgUiEventMapper {

    /** The key under which AG-UI {@code metadata} objects carry AgentForge's own fields. */
    public static final String METADATA_KEY = "agentforge";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String threadId;
    private final String runId;

    private String model;
    private int stepNumber;
    private boolean stepOpen;
    private boolean toolResultInStep;
    private String stepMessageId;
    private String openTextMessageId;
    private String openReasoningId;
    private boolean textSinceLastAction;
    private int mintedIds;
    private boolean finished;

    /**
     * @param threadId the AG-UI thread id from the request, sent back in run events
     * @param runId the AG-UI run id from the request, sent back in run events
     */
    public AgUiEventMapper(String threadId, String runId) {
        this.threadId = Objects.requireNonNull(threadId, "threadId");
        this.runId = Objects.requireNonNull(runId, "runId");
    }

    /** Returns whether a terminal event has been translated, after which no AG-UI event may follow. */
    public boolean finished() {
        return finished;
    }

    /**
     * Returns the AG-UI events for the next event of the run, in order. The list is empty for an
     * event that has no AG-UI form, such as an empty token.
     *
     * @throws IllegalStateException if the run's terminal event was already translated
     */
    public List<ObjectNode> map(AgentEvent event) {
        if (finished) {
            throw new IllegalStateException("Run " + event.runId() + " has already ended, but event "
                    + event.type() + " #" + event.sequence() + " followed");
        }
        List<ObjectNode> out = new ArrayList<>();
        switch (event) {
            case RunStarted started -> runStarted(started, out);
            case Token token -> token(token, out);
            case Thought thought -> thought(thought, out);
            case Action action -> action(action, out);
            case Observation observation -> observation(observation, out);
            case Progress progress -> progress(progress, out);
            case ErrorEvent error when error.fatal() -> runError(error, out);
            case ErrorEvent error -> nonFatalError(error, out);
            case RunCompleted completed -> runCompleted(completed, out);
            case RunCancelled cancelled -> runCancelled(cancelled, out);
            // Event types added after this mapper was written reach AG-UI clients as CUSTOM events.
            default -> out.add(custom(event, METADATA_KEY + "." + event.type(), EventCodec.mapper().valueToTree(event)));
        }
        return out;
    }

    /**
     * Returns the events that end the AG-UI run early, when the stream must stop before the run's
     * terminal event, such as when the server stops: the open message, span and step are closed,
     * then {@code RUN_ERROR} with this code and message follows.
     */
    public List<ObjectNode> abort(String ourRunId, String code, String message) {
        List<ObjectNode> out = new ArrayList<>();
        if (finished) {
            return out;
        }
        Instant now = Instant.now();
        closeOpen(out, now);
        ObjectNode error = event("RUN_ERROR", now);
        error.put("message", message);
        error.put("code", code);
        setMetadata(error, metadata().put("runId", ourRunId));
        out.add(error);
        finished = true;
        return out;
    }

    private void runStarted(RunStarted started, List<ObjectNode> out) {
        model = started.model();
        ObjectNode event = event("RUN_STARTED", started.timestamp());
        event.put("threadId", threadId);
        event.put("runId", runId);
        ObjectNode metadata = metadata().put("runId", started.runId()).put("model", started.model());
        setMetadata(event, metadata);
        out.add(event);
        openStep(started.timestamp(), out);
    }

    private void token(Token token, List<ObjectNode> out) {
        if (token.text() == null || token.text().isEmpty()) {
            return;
        }
        nextStepIfToolsRan(token, out);
        closeReasoning(out, token.timestamp());
        if (openTextMessageId == null) {
            openTextMessageId = mintId(token.runId(), "message");
            stepMessageId = openTextMessageId;
            ObjectNode start = event("TEXT_MESSAGE_START", token.timestamp());
            start.put("messageId", openTextMessageId);
            start.put("role", "assistant");
            out.add(start);
        }
        ObjectNode content = event("TEXT_MESSAGE_CONTENT", token.timestamp());
        content.put("messageId", openTextMessageId);
        content.put("delta", token.text());
        out.add(content);
        textSinceLastAction = true;
    }

    private void thought(Thought thought, List<ObjectNode> out) {
        if (thought.text() == null || thought.text().isEmpty()) {
            return;
        }
        nextStepIfToolsRan(thought, out);
        closeText(out, thought.timestamp());
        if (openReasoningId == null) {
            openReasoningId = mintId(thought.runId(), "reasoning");
            ObjectNode start = event("REASONING_START", thought.timestamp());
            start.put("messageId", openReasoningId);
            out.add(start);
            ObjectNode messageStart = event("REASONING_MESSAGE_START", thought.timestamp());
            messageStart.put("messageId", reasoningMessageId(openReasoningId));
            messageStart.put("role", "reasoning");
            out.add(messageStart);
        }
        ObjectNode content = event("REASONING_MESSAGE_CONTENT", thought.timestamp());
        content.put("messageId", reasoningMessageId(openReasoningId));
        content.put("delta", thought.text());
        out.add(content);
    }

    private void action(Action action, List<ObjectNode> out) {
        nextStepIfToolsRan(action, out);
        closeOpenMessages(out, action.timestamp());
        if (stepMessageId == null) {
            stepMessageId = mintId(action.runId(), "message");
        }
        String toolCallId = toolCallId(action.runId(), action.callId());
        ObjectNode start = event("TOOL_CALL_START", action.timestamp());
        start.put("toolCallId", toolCallId);
        start.put("toolCallName", action.tool());
        start.put("parentMessageId", stepMessageId);
        out.add(start);
        if (action.arguments() != null && !action.arguments().isEmpty()) {
            ObjectNode args = event("TOOL_CALL_ARGS", action.timestamp());
            args.put("toolCallId", toolCallId);
            args.put("delta", action.arguments());
            out.add(args);
        }
        ObjectNode end = event("TOOL_CALL_END", action.timestamp());
        end.put("toolCallId", toolCallId);
        out.add(end);
        textSinceLastAction = false;
    }

    private void observation(Observation observation, List<ObjectNode> out) {
        closeOpenMessages(out, observation.timestamp());
        ObjectNode result = event("TOOL_CALL_RESULT", observation.timestamp());
        result.put("messageId", observation.runId() + "-result-" + observation.callId());
        result.put("toolCallId", toolCallId(observation.runId(), observation.callId()));
        result.put("content", observation.failed() ? observation.error()
                : observation.result() == null ? "" : observation.result());
        result.put("role", "tool");
        ObjectNode metadata = metadata()
                .put("tool", observation.tool())
                .put("failed", observation.failed())
                .put("durationMillis", observation.durationMillis());
        setMetadata(result, metadata);
        out.add(result);
        toolResultInStep = true;
    }

    private void progress(Progress progress, List<ObjectNode> out) {
        ObjectNode value = NODES.objectNode().put("current", progress.current());
        if (progress.total() != null) {
            value.put("total", progress.total());
        }
        if (progress.message() != null) {
            value.put("message", progress.message());
        }
        out.add(custom(progress, METADATA_KEY + ".progress", value));
    }

    private void nonFatalError(ErrorEvent error, List<ObjectNode> out) {
        ObjectNode value = NODES.objectNode()
                .put("code", error.code())
                .put("message", error.message())
                .put("retryable", error.retryable());
        out.add(custom(error, METADATA_KEY + ".error", value));
    }

    private void runError(ErrorEvent error, List<ObjectNode> out) {
        closeOpen(out, error.timestamp());
        ObjectNode event = event("RUN_ERROR", error.timestamp());
        event.put("message", error.message());
        event.put("code", error.code());
        ObjectNode metadata = metadata().put("runId", error.runId()).put("retryable", error.retryable());
        if (error.partialText() != null) {
            metadata.put("partialText", error.partialText());
        }
        setMetadata(event, metadata);
        out.add(event);
        finished = true;
    }

    private void runCompleted(RunCompleted completed, List<ObjectNode> out) {
        String answer = completed.answer() == null ? "" : completed.answer();
        // A model that does not stream sends its answer only in the done event, so it becomes one message here.
        if (!textSinceLastAction && !answer.isEmpty()) {
            closeReasoning(out, completed.timestamp());
            String messageId = mintId(completed.runId(), "message");
            ObjectNode start = event("TEXT_MESSAGE_START", completed.timestamp());
            start.put("messageId", messageId);
            start.put("role", "assistant");
            out.add(start);
            ObjectNode content = event("TEXT_MESSAGE_CONTENT", completed.timestamp());
            content.put("messageId", messageId);
            content.put("delta", answer);
            out.add(content);
            ObjectNode end = event("TEXT_MESSAGE_END", completed.timestamp());
            end.put("messageId", messageId);
            out.add(end);
        }
        closeOpen(out, completed.timestamp());
        ObjectNode event = event("RUN_FINISHED", completed.timestamp());
        event.put("threadId", threadId);
        event.put("runId", runId);
        event.put("result", answer);
        event.set("outcome", NODES.objectNode().put("type", "success"));
        if (completed.usage() != null) {
            event.set("usage", NODES.arrayNode().add(usage(completed.usage())));
        }
        setMetadata(event, metadata().put("runId", completed.runId()));
        out.add(event);
        finished = true;
    }

    private void runCancelled(RunCancelled cancelled, List<ObjectNode> out) {
        closeOpen(out, cancelled.timestamp());
        ObjectNode event = event("RUN_FINISHED", cancelled.timestamp());
        event.put("threadId", threadId);
        event.put("runId", runId);
        event.set("outcome", NODES.objectNode().put("type", "cancelled"));
        setMetadata(event, metadata().put("runId", cancelled.runId()).put("cancelReason", cancelled.reason()));
        out.add(event);
        finished = true;
    }

    private ObjectNode usage(Usage usage) {
        ObjectNode node = NODES.objectNode();
        if (model != null) {
            node.put("model", model);
        }
        node.put("inputTokens", usage.inputTokens());
        node.put("outputTokens", usage.outputTokens());
        node.put("totalTokens", usage.totalTokens());
        return node;
    }

    // A token, thought or action after a tool result belongs to the model's next turn, so to the next step.
    private void nextStepIfToolsRan(AgentEvent event, List<ObjectNode> out) {
        if (!toolResultInStep) {
            return;
        }
        closeOpen(out, event.timestamp());
        openStep(event.timestamp(), out);
    }

    private void openStep(Instant timestamp, List<ObjectNode> out) {
        stepNumber++;
        stepOpen = true;
        toolResultInStep = false;
        stepMessageId = null;
        ObjectNode event = event("STEP_STARTED", timestamp);
        event.put("stepName", stepName());
        out.add(event);
    }

    // Closes the open text message, reasoning span and step, in that order.
    private void closeOpen(List<ObjectNode> out, Instant timestamp) {
        closeOpenMessages(out, timestamp);
        if (stepOpen) {
            ObjectNode event = event("STEP_FINISHED", timestamp);
            event.put("stepName", stepName());
            out.add(event);
            stepOpen = false;
        }
    }

    private void closeOpenMessages(List<ObjectNode> out, Instant timestamp) {
        closeText(out, timestamp);
        closeReasoning(out, timestamp);
    }

    private void closeText(List<ObjectNode> out, Instant timestamp) {
        if (openTextMessageId == null) {
            return;
        }
        ObjectNode end = event("TEXT_MESSAGE_END", timestamp);
        end.put("messageId", openTextMessageId);
        out.add(end);
        openTextMessageId = null;
    }

    private void closeReasoning(List<ObjectNode> out, Instant timestamp) {
        if (openReasoningId == null) {
            return;
        }
        ObjectNode messageEnd = event("REASONING_MESSAGE_END", timestamp);
        messageEnd.put("messageId", reasoningMessageId(openReasoningId));
        out.add(messageEnd);
        ObjectNode end = event("REASONING_END", timestamp);
        end.put("messageId", openReasoningId);
        out.add(end);
        openReasoningId = null;
    }

    private String stepName() {
        return "step " + stepNumber;
    }

    private String mintId(String ourRunId, String kind) {
        mintedIds++;
        return ourRunId + "-" + kind + "-" + mintedIds;
    }

    private static String reasoningMessageId(String spanId) {
        return spanId + "-message";
    }

    private static String toolCallId(String ourRunId, String callId) {
        return ourRunId + "-" + callId;
    }

    private static ObjectNode custom(AgentEvent source, String name, JsonNode value) {
        ObjectNode event = event("CUSTOM", source.timestamp());
        event.put("name", name);
        event.set("value", value);
        return event;
    }

    private static ObjectNode metadata() {
        return NODES.objectNode();
    }

    private static void setMetadata(ObjectNode event, ObjectNode fields) {
        event.set("metadata", NODES.objectNode().set(METADATA_KEY, fields));
    }

    // AG-UI timestamps are milliseconds since the epoch.
    private static ObjectNode event(String type, Instant timestamp) {
        ObjectNode event = NODES.objectNode();
        event.put("type", type);
        event.put("timestamp", timestamp.toEpochMilli());
        return event;
    }
}
