package dev.agentforge.agent;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic, offline model driven by rules: each rule maps a user input that matches its pattern
 * to a script, which looks at the tool results of the turn so far and either calls tools or answers.
 * All of its behaviour comes from the rules. It serves demos and tests that
 * must run without a model provider, and its answers are only as right as its rules.
 *
 * <p>Inputs that match no rule get the fallback answer. Token counts are estimates: one token per
 * whitespace-separated word.
 */
public final class ScriptedChatModel implements StreamingChatModel {

    private static final Pattern WORD_CHUNK = Pattern.compile("\\s*\\S+|\\s+$");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final List<Rule> rules;
    private final Function<ScriptTurn, ScriptStep> fallback;

    private ScriptedChatModel(Builder builder) {
        this.rules = List.copyOf(builder.rules);
        this.fallback = builder.fallback;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A script: given the turn so far, the next step. */
    @FunctionalInterface
    public interface Script {
        ScriptStep next(ScriptTurn turn);
    }

    private record Rule(String name, Pattern pattern, Script script) {
    }

    /** Returns a blocking view of this model, for code that needs a {@link ChatModel}. */
    public ChatModel asChatModel() {
        return new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                return respond(request).response();
            }
        };
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Planned planned;
        try {
            planned = respond(request);
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        if (planned.step().thought() != null) {
            handler.onPartialThinking(new PartialThinking(planned.step().thought()));
        }
        if (planned.step().answer() != null) {
            for (String chunk : words(planned.step().answer())) {
                handler.onPartialResponse(chunk);
            }
        }
        handler.onCompleteResponse(planned.response());
    }

    private record Planned(ScriptStep step, ChatResponse response) {
    }

    private Planned respond(ChatRequest request) {
        ScriptTurn turn = turnOf(request.messages());
        ScriptStep step = null;
        for (Rule rule : rules) {
            Matcher matcher = rule.pattern().matcher(turn.input());
            if (matcher.find()) {
                step = rule.script().next(turn.withMatch(rule.name(), matcher));
                break;
            }
        }
        if (step == null) {
            step = fallback.apply(turn);
        }
        Objects.requireNonNull(step, "A script returned no step for input: " + turn.input());

        AiMessage.Builder message = AiMessage.builder();
        FinishReason finishReason;
        if (step.toolCalls().isEmpty()) {
            message.text(step.answer());
            finishReason = FinishReason.STOP;
        } else {
            List<ToolExecutionRequest> calls = new ArrayList<>();
            int index = turn.results().size();
            for (ScriptStep.Call call : step.toolCalls()) {
                index++;
                calls.add(ToolExecutionRequest.builder()
                        .id("call_" + index)
                        .name(call.tool())
                        .arguments(call.arguments())
                        .build());
            }
            message.toolExecutionRequests(calls);
            finishReason = FinishReason.TOOL_EXECUTION;
        }
        if (step.thought() != null) {
            message.thinking(step.thought());
        }
        int inputTokens = 0;
        for (ChatMessage chatMessage : request.messages()) {
            inputTokens += countWords(textOf(chatMessage));
        }
        int outputTokens = countWords(step.answer()) + countWords(step.thought());
        for (ScriptStep.Call call : step.toolCalls()) {
            outputTokens += countWords(call.tool()) + countWords(call.arguments());
        }
        ChatResponse response = ChatResponse.builder()
                .aiMessage(message.build())
                .finishReason(finishReason)
                .tokenUsage(new TokenUsage(inputTokens, outputTokens))
                .modelName("scripted")
                .build();
        return new Planned(step, response);
    }

    // The turn starts at the last user message; the tool results after it are the turn's results so far.
    private static ScriptTurn turnOf(List<ChatMessage> messages) {
        int lastUser = -1;
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) instanceof UserMessage) {
                lastUser = i;
            }
        }
        String input = lastUser < 0 ? "" : ((UserMessage) messages.get(lastUser)).singleText();
        Map<String, ToolExecutionRequest> requests = new HashMap<>();
        List<ScriptTurn.Result> results = new ArrayList<>();
        for (int i = lastUser + 1; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message instanceof AiMessage ai && ai.hasToolExecutionRequests()) {
                ai.toolExecutionRequests().forEach(r -> requests.put(r.id(), r));
            } else if (message instanceof ToolExecutionResultMessage result) {
                ToolExecutionRequest call = requests.get(result.id());
                String arguments = call == null ? "{}" : call.arguments();
                results.add(new ScriptTurn.Result(result.toolName(), arguments, result.text()));
            }
        }
        return new ScriptTurn(input, results, null, null);
    }

    private static String textOf(ChatMessage message) {
        return switch (message) {
            case UserMessage user -> user.hasSingleText() ? user.singleText() : "";
            case SystemMessage system -> system.text();
            case AiMessage ai -> ai.text();
            case ToolExecutionResultMessage result -> result.text();
            default -> "";
        };
    }

    private static int countWords(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        return WHITESPACE.split(text.trim()).length;
    }

    // Splits text into chunks that each start with the whitespace before a word, so joining them gives the text.
    static List<String> words(String text) {
        List<String> chunks = new ArrayList<>();
        Matcher matcher = WORD_CHUNK.matcher(text);
        while (matcher.find()) {
            chunks.add(matcher.group());
        }
        return chunks;
    }

    /** Builds a {@link ScriptedChatModel}. */
    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();
        private Function<ScriptTurn, ScriptStep> fallback = turn -> ScriptStep.answer(
                "This is an offline scripted model, and no rule matches \"" + turn.input() + "\".");

        private Builder() {
        }

        /**
         * Adds a rule. Rules are tried in the order they were added. The first whose pattern is found in
         * the user's input runs its script for every step of that turn.
         */
        public Builder rule(String name, Pattern pattern, Script script) {
            rules.add(new Rule(Objects.requireNonNull(name, "name"), Objects.requireNonNull(pattern, "pattern"),
                    Objects.requireNonNull(script, "script")));
            return this;
        }

        /** Adds a rule whose pattern is a case-insensitive regular expression. */
        public Builder rule(String name, String regex, Script script) {
            return rule(name, Pattern.compile(regex, Pattern.CASE_INSENSITIVE), script);
        }

        /** Sets the step for inputs that match no rule. */
        public Builder fallback(Function<ScriptTurn, ScriptStep> fallback) {
            this.fallback = Objects.requireNonNull(fallback, "fallback");
            return this;
        }

        public ScriptedChatModel build() {
            return new ScriptedChatModel(this);
        }
    }
}
