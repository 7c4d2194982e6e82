package dev.agentforge.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void defaultsWhenNothingIsSet() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of());

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.model().scripted()).isTrue();
        assertThat(config.model().label()).isEqualTo("scripted");
        assertThat(config.openAiBaseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(config.anthropicBaseUrl()).isEqualTo("https://api.anthropic.com/v1/");
        assertThat(config.maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(config.maxSteps()).isEqualTo(10);
        assertThat(config.maxActiveRuns()).isEqualTo(1000);
        assertThat(config.runRetention()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.sseHeartbeat()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.databaseUrl()).isNull();
        assertThat(config.openAiApiKey()).isNull();
    }

    @Test
    void readsEverySetting() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.ofEntries(
                Map.entry("AGENTFORGE_HOST", "0.0.0.0"),
                Map.entry("PORT", "0"),
                Map.entry("AGENTFORGE_MODEL", "openai:gpt-4o-mini"),
                Map.entry("OPENAI_API_KEY", "sk-test"),
                Map.entry("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"),
                Map.entry("ANTHROPIC_API_KEY", "ak-test"),
                Map.entry("ANTHROPIC_BASE_URL", "http://127.0.0.1:9/v1/"),
                Map.entry("AGENTFORGE_MAX_BODY_BYTES", "2048"),
                Map.entry("AGENTFORGE_MAX_STEPS", "3"),
                Map.entry("AGENTFORGE_MAX_ACTIVE_RUNS", "7"),
                Map.entry("AGENTFORGE_RUN_RETENTION", "120"),
                Map.entry("AGENTFORGE_SSE_HEARTBEAT", "PT0.05S"),
                Map.entry("AGENTFORGE_DATABASE_URL", "jdbc:h2:mem:x"),
                Map.entry("AGENTFORGE_DATABASE_USER", "sa"),
                Map.entry("AGENTFORGE_DATABASE_PASSWORD", "secret")));

        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isZero();
        assertThat(config.model().provider()).isEqualTo("openai");
        assertThat(config.model().name()).isEqualTo("gpt-4o-mini");
        assertThat(config.openAiApiKey()).isEqualTo("sk-test");
        assertThat(config.openAiBaseUrl()).isEqualTo("http://127.0.0.1:9/v1");
        assertThat(config.anthropicApiKey()).isEqualTo("ak-test");
        assertThat(config.maxBodyBytes()).isEqualTo(2048);
        assertThat(config.maxSteps()).isEqualTo(3);
        assertThat(config.maxActiveRuns()).isEqualTo(7);
        assertThat(config.runRetention()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.sseHeartbeat()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.databaseUrl()).isEqualTo("jdbc:h2:mem:x");
        assertThat(config.databaseUser()).isEqualTo("sa");
        assertThat(config.databasePassword()).isEqualTo("secret");
    }

    @Test
    void blankValueCountsAsUnset() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("PORT", " ", "AGENTFORGE_MODEL", ""));

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.model().scripted()).isTrue();
    }

    @Test
    void invalidValuesNameVariableValueAndForm() {
        record Case(String variable, String value, String expectedForm) {
        }
        for (Case c : new Case[] {
                new Case("PORT", "eighty", "whole number from 0 to 65535"),
                new Case("PORT", "70000", "whole number from 0 to 65535"),
                new Case("AGENTFORGE_MAX_BODY_BYTES", "0", "whole number from 1"),
                new Case("AGENTFORGE_MAX_STEPS", "-2", "whole number from 1"),
                new Case("AGENTFORGE_MAX_ACTIVE_RUNS", "many", "whole number from 1"),
                new Case("AGENTFORGE_RUN_RETENTION", "15 minutes", "ISO-8601 duration"),
                new Case("AGENTFORGE_RUN_RETENTION", "-PT1S", "(0 or more)"),
                new Case("AGENTFORGE_SSE_HEARTBEAT", "0", "(more than 0)"),
                new Case("OPENAI_BASE_URL", "localhost:1234", "absolute http or https URL"),
                new Case("ANTHROPIC_BASE_URL", "ftp://127.0.0.1/", "absolute http or https URL"),
                new Case("AGENTFORGE_MODEL", "gpt-4o", "'openai:<model>'"),
                new Case("AGENTFORGE_MODEL", "openai:", "'openai:<model>'")}) {
            assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of(c.variable(), c.value())))
                    .as("%s=%s", c.variable(), c.value())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(c.variable())
                    .hasMessageContaining("'" + c.value() + "'")
                    .hasMessageContaining(c.expectedForm());
        }
    }

    @Test
    void numbersOutsideTheirRangeSayOutOfRange() {
        record Case(String variable, String value) {
        }
        for (Case c : new Case[] {
                new Case("AGENTFORGE_RUN_RETENTION", "-5"),
                new Case("AGENTFORGE_RUN_RETENTION", "99999999999999999999"),
                new Case("AGENTFORGE_SSE_HEARTBEAT", "0"),
                new Case("PORT", "99999999999999999999"),
                new Case("PORT", "-1"),
                new Case("OPENAI_BASE_URL", "http://127.0.0.1:99999/v1"),
                new Case("ANTHROPIC_BASE_URL", "http://127.0.0.1:0/v1/")}) {
            assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of(c.variable(), c.value())))
                    .as("%s=%s", c.variable(), c.value())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("Invalid " + c.variable() + " '" + c.value() + "'")
                    .hasMessageContaining("out of range");
        }
    }

    @Test
    void unresolvableHostNamesVariable() {
        // An unclosed IPv6 literal fails in InetAddress without a DNS query.
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("AGENTFORGE_HOST", "[::1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Invalid AGENTFORGE_HOST '[::1'")
                .hasMessageContaining("does not resolve")
                .hasMessageContaining("0.0.0.0");
        assertThat(ServerConfig.fromEnvironment(Map.of("AGENTFORGE_HOST", "::1")).host()).isEqualTo("::1");
    }

    @Test
    void databaseUrlOfUnsupportedFormNamesForms() {
        for (String url : new String[] {"foo", "jdbc:mysql://127.0.0.1/shop?password=very-secret"}) {
            assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("AGENTFORGE_DATABASE_URL", url)))
                    .as(url)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("Invalid AGENTFORGE_DATABASE_URL '" + ServerConfig.redact(url) + "'")
                    .hasMessageContaining("jdbc:h2:")
                    .hasMessageContaining("jdbc:postgresql://")
                    .hasMessageNotContaining("very-secret");
        }
        assertThat(ServerConfig.fromEnvironment(Map.of("AGENTFORGE_DATABASE_URL", "jdbc:postgresql://127.0.0.1/shop"))
                .databaseUrl()).isEqualTo("jdbc:postgresql://127.0.0.1/shop");
    }

    @Test
    void keyRequiredOnlyForOpenAiHost() {
        assertThat(ServerConfig.fromEnvironment(Map.of()).openAiApiKeyRequired()).isTrue();
        assertThat(ServerConfig.fromEnvironment(Map.of("OPENAI_BASE_URL", "https://API.openai.com/v1/"))
                .openAiApiKeyRequired()).isTrue();
        assertThat(ServerConfig.fromEnvironment(Map.of("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"))
                .openAiApiKeyRequired()).isFalse();
    }

    @Test
    void toStringHidesSecrets() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of(
                "OPENAI_API_KEY", "sk-very-secret",
                "ANTHROPIC_API_KEY", "ak-very-secret",
                "AGENTFORGE_DATABASE_URL", "jdbc:postgresql://127.0.0.1/db?password=pw-very-secret",
                "AGENTFORGE_DATABASE_PASSWORD", "db-very-secret"));

        assertThat(config.toString()).doesNotContain("very-secret");
        assertThat(config.toString()).contains("jdbc:postgresql://127.0.0.1/db");
    }

    @Test
    void memoryLimitsDefaultTo75And90Percent() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of());

        assertThat(config.memorySoftLimit()).isEqualTo(0.75);
        assertThat(config.memoryHardLimit()).isEqualTo(0.90);
    }

    @Test
    void memoryLimitsAcceptFractionsAndPercentages() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of(
                "AGENTFORGE_MEMORY_SOFT_LIMIT", "0.6",
                "AGENTFORGE_MEMORY_HARD_LIMIT", "85%"));

        assertThat(config.memorySoftLimit()).isEqualTo(0.6);
        assertThat(config.memoryHardLimit()).isEqualTo(0.85);
    }

    @Test
    void invalidMemoryLimitsNameTheVariable() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("AGENTFORGE_MEMORY_HARD_LIMIT", "lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("AGENTFORGE_MEMORY_HARD_LIMIT 'lots'")
                .hasMessageContaining("such as 0.9");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("AGENTFORGE_MEMORY_SOFT_LIMIT", "120%")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("AGENTFORGE_MEMORY_SOFT_LIMIT", "0.95")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must not be above AGENTFORGE_MEMORY_HARD_LIMIT");
    }
}
