package dev.agentforge.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.model.openai.OpenAiCompatibleChatModel;
import dev.agentforge.resilience.ResilientChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelFactoryTest {

    private static final ScriptedChatModel SCRIPTED = ScriptedChatModel.builder()
            .fallback(turn -> ScriptStep.answer("scripted"))
            .build();

    @Test
    void scriptedIsTheDefault() {
        ModelFactory.ModelSelection selection = ModelFactory.create(ServerConfig.fromEnvironment(Map.of()), () -> SCRIPTED);

        assertThat(selection.model()).isSameAs(SCRIPTED);
        assertThat(selection.label()).isEqualTo("scripted");
        assertThat(selection.scripted()).isTrue();
    }

    @Test
    void openAiModelUsesBaseUrlAndName() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("AGENTFORGE_MODEL", "openai:gpt-4o-mini",
                "OPENAI_API_KEY", "test", "OPENAI_BASE_URL", "http://127.0.0.1:9/v1"));

        ModelFactory.ModelSelection selection = ModelFactory.create(config, () -> SCRIPTED);

        assertThat(selection.model()).isInstanceOf(ResilientChatModel.class);
        ResilientChatModel resilient = (ResilientChatModel) selection.model();
        assertThat(resilient.breaker().getName()).isEqualTo("model:openai:gpt-4o-mini");
        assertThat(resilient.delegate()).isInstanceOf(OpenAiCompatibleChatModel.class);
        OpenAiCompatibleChatModel model = (OpenAiCompatibleChatModel) resilient.delegate();
        assertThat(model.baseUrl()).startsWith("http://127.0.0.1:9/v1");
        assertThat(model.modelName()).isEqualTo("gpt-4o-mini");
        assertThat(selection.label()).isEqualTo("openai:gpt-4o-mini");
        assertThat(selection.scripted()).isFalse();
        model.close();
    }

    @Test
    void anthropicModelIsLangChain4jStreamingModel() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("AGENTFORGE_MODEL", "anthropic:claude-sonnet-4-5",
                "ANTHROPIC_API_KEY", "test", "ANTHROPIC_BASE_URL", "http://127.0.0.1:9/v1/"));

        ModelFactory.ModelSelection selection = ModelFactory.create(config, () -> SCRIPTED);

        assertThat(((ResilientChatModel) selection.model()).delegate()).isInstanceOf(AnthropicStreamingChatModel.class);
        assertThat(selection.label()).isEqualTo("anthropic:claude-sonnet-4-5");
    }

    @Test
    void missingApiKeyNamesVariableAndForms() {
        ServerConfig openAi = ServerConfig.fromEnvironment(Map.of("AGENTFORGE_MODEL", "openai:gpt-4o-mini"));
        ServerConfig anthropic = ServerConfig.fromEnvironment(Map.of("AGENTFORGE_MODEL", "anthropic:claude-sonnet-4-5"));

        assertThatThrownBy(() -> ModelFactory.create(openAi, () -> SCRIPTED))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("OPENAI_API_KEY")
                .hasMessageContaining("'scripted'");
        assertThatThrownBy(() -> ModelFactory.create(anthropic, () -> SCRIPTED))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ANTHROPIC_API_KEY")
                .hasMessageContaining("'anthropic:<model>'");
    }

    @Test
    void openAiKeyOptionalForOtherBaseUrl() throws Exception {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("AGENTFORGE_MODEL", "openai:llama3.1",
                "OPENAI_BASE_URL", "http://127.0.0.1:9/v1"));

        ModelFactory.ModelSelection selection = ModelFactory.create(config, () -> SCRIPTED);

        assertThat(((ResilientChatModel) selection.model()).delegate()).isInstanceOf(OpenAiCompatibleChatModel.class);
        assertThat(selection.label()).isEqualTo("openai:llama3.1");
        ((ResilientChatModel) selection.model()).close();
    }

    @Test
    void explicitOpenAiUrlRequiresKey() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("AGENTFORGE_MODEL", "openai:gpt-4o-mini",
                "OPENAI_BASE_URL", "https://api.openai.com/v1"));

        assertThatThrownBy(() -> ModelFactory.create(config, () -> SCRIPTED))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("OPENAI_API_KEY is not set")
                .hasMessageContaining("OPENAI_BASE_URL");
    }

    @Test
    void unknownProviderNamesAcceptedForms() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("AGENTFORGE_MODEL", "gemini:pro")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("AGENTFORGE_MODEL")
                .hasMessageContaining("'gemini'")
                .hasMessageContaining("'scripted', 'openai:<model>'");
    }
}
