package dev.agentforge.server.config;

import dev.agentforge.agent.Agent;
import dev.agentforge.model.openai.OpenAiCompatibleChatModel;
import dev.agentforge.resilience.CircuitBreakers;
import dev.agentforge.resilience.ResilientChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the model that {@code AGENTFORGE_MODEL} names:
 *
 * <ul>
 *   <li>{@code scripted}: the offline scripted model, which the caller supplies because its rules
 *       belong to the application;
 *   <li>{@code openai:<model>}: {@link OpenAiCompatibleChatModel} at {@code OPENAI_BASE_URL} with
 *       {@code OPENAI_API_KEY}, which is required only for the OpenAI API itself: without a key, a
 *       local OpenAI-compatible server such as Ollama gets requests with no {@code Authorization}
 *       header;
 *   <li>{@code anthropic:<model>}: LangChain4j's {@link AnthropicStreamingChatModel} at
 *       {@code ANTHROPIC_BASE_URL} with {@code ANTHROPIC_API_KEY}.
 * </ul>
 */
public final class ModelFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ModelFactory.class);

    private ModelFactory() {
    }

    /**
     * A created model and the label the agent reports for it.
     *
     * @param model the streaming model
     * @param label {@code scripted}, or {@code provider:model} such as {@code openai:gpt-4o-mini}
     * @param scripted whether this is the offline scripted model
     */
    public record ModelSelection(StreamingChatModel model, String label, boolean scripted) {

        public ModelSelection {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(label, "label");
        }

        /** Sets this model and its label on an agent builder. */
        public Agent.Builder applyTo(Agent.Builder builder) {
            return builder.model(model).modelName(label);
        }
    }

    /**
     * Creates the configured model.
     *
     * @param scriptedModel supplies the scripted model, and is called only when the configuration names it
     * @throws ConfigException if the provider's API key is missing where the provider requires one,
     *     naming the variable to set
     */
    public static ModelSelection create(ServerConfig config, Supplier<? extends StreamingChatModel> scriptedModel) {
        return create(config, scriptedModel, CircuitBreakers.create());
    }

    /**
     * Creates the configured model. A provider's model is wrapped in a {@link ResilientChatModel}: a
     * circuit breaker named {@code model:<provider>:<model>} from {@code breakers}, and the default retry
     * policy, which retries a failed call only before its first token has streamed.
     *
     * @param scriptedModel supplies the scripted model, and is called only when the configuration names it
     * @param breakers the registry the model's breaker comes from
     * @throws ConfigException if the provider's API key is missing where the provider requires one,
     *     naming the variable to set
     */
    public static ModelSelection create(ServerConfig config, Supplier<? extends StreamingChatModel> scriptedModel,
            CircuitBreakers breakers) {
        ServerConfig.ModelSpec spec = config.model();
        ModelSelection selection = switch (spec.provider()) {
            case ServerConfig.ModelSpec.SCRIPTED -> new ModelSelection(scriptedModel.get(), spec.label(), true);
            case ServerConfig.ModelSpec.OPENAI -> openAi(config, spec);
            case ServerConfig.ModelSpec.ANTHROPIC -> anthropic(config, spec);
            default -> throw new ConfigException("Invalid " + ServerConfig.MODEL + " '" + spec.label()
                    + "': unknown model provider; use " + ServerConfig.ModelSpec.ACCEPTED_FORMS);
        };
        if (selection.scripted()) {
            return selection;
        }
        StreamingChatModel resilient = ResilientChatModel.builder(selection.model())
                .name(spec.label())
                .breakers(breakers)
                .build();
        return new ModelSelection(resilient, selection.label(), false);
    }

    private static ModelSelection openAi(ServerConfig config, ServerConfig.ModelSpec spec) {
        String apiKey = config.openAiApiKeyRequired()
                ? requireKey(config.openAiApiKey(), ServerConfig.OPENAI_API_KEY, spec)
                : config.openAiApiKey();
        StreamingChatModel model = OpenAiCompatibleChatModel.builder()
                .baseUrl(config.openAiBaseUrl())
                .apiKey(apiKey)
                .modelName(spec.name())
                .build();
        if (apiKey == null) {
            LOG.info("Model {} at {} without an API key: {} is not set, so requests have no Authorization header",
                    spec.label(), config.openAiBaseUrl(), ServerConfig.OPENAI_API_KEY);
        } else {
            LOG.info("Model {} at {}", spec.label(), config.openAiBaseUrl());
        }
        return new ModelSelection(model, spec.label(), false);
    }

    private static ModelSelection anthropic(ServerConfig config, ServerConfig.ModelSpec spec) {
        String apiKey = requireKey(config.anthropicApiKey(), ServerConfig.ANTHROPIC_API_KEY, spec);
        StreamingChatModel model = AnthropicStreamingChatModel.builder()
                .baseUrl(config.anthropicBaseUrl())
                .apiKey(apiKey)
                .modelName(spec.name())
                .build();
        LOG.info("Model {} at {}", spec.label(), config.anthropicBaseUrl());
        return new ModelSelection(model, spec.label(), false);
    }

    private static String requireKey(String apiKey, String variable, ServerConfig.ModelSpec spec) {
        if (apiKey == null || apiKey.isBlank()) {
            String localServer = variable.equals(ServerConfig.OPENAI_API_KEY)
                    ? " (a local OpenAI-compatible server needs no key: set " + ServerConfig.OPENAI_BASE_URL
                            + " to its URL, such as http://127.0.0.1:11434/v1 for Ollama)"
                    : "";
            throw new ConfigException(ServerConfig.MODEL + " is '" + spec.label() + "', but " + variable
                    + " is not set; set " + variable + " to the provider's API key" + localServer + ", or set "
                    + ServerConfig.MODEL + " to one of " + ServerConfig.ModelSpec.ACCEPTED_FORMS);
        }
        return apiKey;
    }
}
