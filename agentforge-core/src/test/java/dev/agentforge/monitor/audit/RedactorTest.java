package dev.agentforge.monitor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {

    private final Redactor redactor = Redactor.defaults();

    @Test
    void sensitiveNamesIgnoreCaseAndSeparators() {
        for (String name : List.of("password", "PASSWORD", "api_key", "API-Key", "apiKey", "X-Api-Key", "dbPassword",
                "Authorization", "access_token", "clientSecret", "Set-Cookie")) {
            assertThat(redactor.sensitiveName(name)).as(name).isTrue();
        }
        for (String name : List.of("maxTokens", "city", "tokenCount", "query", "author")) {
            assertThat(redactor.sensitiveName(name)).as(name).isFalse();
        }
    }

    @Test
    void jsonMembersRedactedAtEveryDepth() {
        String json = """
                {"city": "Oslo", "apiKey": "abc123", "nested": {"password": "hunter2", "list": [{"token": "t"}]},
                 "maxTokens": 200}""";

        String redacted = redactor.redactJson(json);

        assertThat(redacted).isEqualTo("{\"city\":\"Oslo\",\"apiKey\":\"[REDACTED]\",\"nested\":{\"password\":"
                + "\"[REDACTED]\",\"list\":[{\"token\":\"[REDACTED]\"}]},\"maxTokens\":200}");
    }

    @Test
    void textPatternsRedacted() {
        assertThat(redactor.redactText("key sk-proj-abcdefghijklmnop1234 used"))
                .isEqualTo("key [REDACTED:api-key] used");
        assertThat(redactor.redactText("header Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature was sent"))
                .isEqualTo("header Bearer [REDACTED:token] was sent");
        assertThat(redactor.redactText("mail ada.lovelace@example.org now"))
                .isEqualTo("mail [REDACTED:email] now");
        assertThat(redactor.redactText("AWS AKIAIOSFODNN7EXAMPLE"))
                .isEqualTo("AWS [REDACTED:api-key]");
    }

    @Test
    void cardNumbersNeedLuhn() {
        assertThat(redactor.redactText("card 4111 1111 1111 1111 charged"))
                .isEqualTo("card [REDACTED:card] charged");
        assertThat(redactor.redactText("card 4111-1111-1111-1111"))
                .isEqualTo("card [REDACTED:card]");
        assertThat(redactor.redactText("order 4111111111111112 shipped"))
                .as("fails the Luhn check").isEqualTo("order 4111111111111112 shipped");
        assertThat(redactor.redactText("digest 3a4111111111111111ff"))
                .as("digits inside a hex word").isEqualTo("digest 3a4111111111111111ff");
    }

    @Test
    void namedValuesInTextRedacted() {
        assertThat(redactor.redactText("login failed: password=hunter2, user=ada"))
                .isEqualTo("login failed: password=[REDACTED], user=ada");
        assertThat(redactor.redactText("{\"api_key\": \"abc\", \"city\": \"Oslo\"}"))
                .isEqualTo("{\"api_key\": \"[REDACTED]\", \"city\": \"Oslo\"}");
        assertThat(redactor.redactText("X-Auth-Token: abc123"))
                .isEqualTo("X-Auth-Token: [REDACTED]");
    }

    @Test
    void redactionIsIdempotent() {
        String once = redactor.redactJson("{\"password\": \"x\", \"note\": \"mail a@b.io\"}");

        assertThat(redactor.redactText(once)).isEqualTo(once);
    }

    @Test
    void attributesBySensitiveName() {
        Map<String, String> redacted = redactor.redactAttributes(Map.of("secret", "s3", "note", "card 4111111111111111"));

        assertThat(redacted).containsEntry("secret", Redactor.MASK).containsEntry("note", "card [REDACTED:card]");
    }

    @Test
    void configuredNamesAndRules() {
        Redactor custom = Redactor.builder()
                .fieldNames(List.of("iban"))
                .rules(List.of())
                .addRule("order-id", "ORD-\\d+", "[REDACTED:order]")
                .cardNumbers(false)
                .build();

        assertThat(custom.redactJson("{\"iban\": \"NO93 8601 1117 947\", \"password\": \"p\"}"))
                .isEqualTo("{\"iban\":\"[REDACTED]\",\"password\":\"p\"}");
        assertThat(custom.redactText("ORD-42 for a@b.io card 4111111111111111"))
                .isEqualTo("[REDACTED:order] for a@b.io card 4111111111111111");
    }

    @Test
    void invalidJsonRedactedAsText() {
        assertThat(redactor.redactJson("{password=hunter2")).isEqualTo("{password=[REDACTED]");
    }

    @Test
    void noneChangesNothing() {
        String text = "password=x sk-abcdefghijklmnopqrstu a@b.io 4111111111111111";

        assertThat(Redactor.none().redactText(text)).isEqualTo(text);
    }

    @Test
    void luhnCheck() {
        assertThat(Redactor.luhnValid("4111111111111111")).isTrue();
        assertThat(Redactor.luhnValid("79927398713")).isTrue();
        assertThat(Redactor.luhnValid("79927398710")).isFalse();
    }
}
