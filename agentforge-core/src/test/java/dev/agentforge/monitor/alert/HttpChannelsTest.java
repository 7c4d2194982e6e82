package dev.agentforge.monitor.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class HttpChannelsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String SECRET = "whsec-test-7f3a";
    private static final String HOOK_TOKEN = "T000/B000/XXXXsecretXXXX";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MockWebServer server = new MockWebServer();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void start() throws Exception {
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void stop() {
        root.detachAppender(logs);
        server.close();
    }

    private URI hookUrl() {
        return URI.create("http://127.0.0.1:" + server.getPort() + "/services/" + HOOK_TOKEN);
    }

    private static Notice notice(AlertStatus status) {
        Alert alert = new Alert("breaker_open", Severity.CRITICAL, new java.util.TreeMap<>(Map.of("breaker", "tool:search")),
                status, "Circuit breaker tool:search is OPEN", T0, status == AlertStatus.RESOLVED ? T0.plusSeconds(60) : null, 1);
        return new Notice("breaker_open{breaker=\"tool:search\"}#1", "breaker_open{breaker=\"tool:search\"}",
                "breaker_open", status, Severity.CRITICAL, new java.util.TreeMap<>(Map.of("breaker", "tool:search")),
                List.of(alert), T0.plusSeconds(30));
    }

    private List<String> logLines() {
        return logs.list.stream()
                .map(event -> event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                        : " " + event.getThrowableProxy().getMessage()))
                .toList();
    }

    @Test
    void webhookBodyIsSigned() throws Exception {
        server.enqueue(new MockResponse.Builder().code(204).build());
        WebhookChannel channel = WebhookChannel.builder(hookUrl()).secret(SECRET).build();

        channel.send(notice(AlertStatus.FIRING));

        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        byte[] body = request.getBody().toByteArray();
        String timestamp = request.getHeaders().get("X-AgentForge-Timestamp");
        String signature = request.getHeaders().get("X-AgentForge-Signature");
        assertThat(timestamp).isEqualTo(Long.toString(T0.plusSeconds(30).getEpochSecond()));
        // The receiver's recipe, computed here without the library's helper.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        assertThat(signature).isEqualTo("sha256=" + HexFormat.of().formatHex(mac.doFinal(body)));
        assertThat(WebhookSignature.verify(SECRET.getBytes(StandardCharsets.UTF_8), signature, timestamp, body,
                T0.plusSeconds(60), Duration.ofMinutes(5))).isTrue();
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
        JsonNode json = JSON.readTree(body);
        assertThat(json.get("version").asString()).isEqualTo("1");
        assertThat(json.get("status").asString()).isEqualTo("firing");
        assertThat(json.get("severity").asString()).isEqualTo("critical");
        assertThat(json.get("count").asInt()).isEqualTo(1);
        assertThat(json.get("alerts").get(0).get("labels").get("breaker").asString()).isEqualTo("tool:search");
    }

    @Test
    void signatureRejectsTamperingAndStaleTimestamps() {
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        byte[] body = "{\"status\":\"firing\"}".getBytes(StandardCharsets.UTF_8);
        long timestamp = T0.getEpochSecond();
        String signature = WebhookSignature.sign(secret, timestamp, body);

        assertThat(WebhookSignature.verify(secret, signature, Long.toString(timestamp), body, T0, Duration.ofMinutes(5)))
                .isTrue();
        assertThat(WebhookSignature.verify(secret, signature, Long.toString(timestamp),
                "{\"status\":\"resolved\"}".getBytes(StandardCharsets.UTF_8), T0, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify(secret, signature, Long.toString(timestamp + 1), body, T0,
                Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify(secret, signature, Long.toString(timestamp), body,
                T0.plus(Duration.ofMinutes(6)), Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify("other".getBytes(StandardCharsets.UTF_8), signature,
                Long.toString(timestamp), body, T0, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify(secret, "sha256=zz", Long.toString(timestamp), body, T0,
                Duration.ofMinutes(5))).isFalse();
    }

    @Test
    void slackPayloadHasTextAndBlocks() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("ok").build());
        SlackChannel channel = SlackChannel.of(hookUrl());

        channel.send(notice(AlertStatus.FIRING));

        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request.getTarget()).isEqualTo("/services/" + HOOK_TOKEN);
        JsonNode json = JSON.readTree(request.getBody().utf8());
        assertThat(json.get("text").asString()).isEqualTo(":rotating_light: [CRITICAL] FIRING breaker_open (1 alert)");
        JsonNode blocks = json.get("blocks");
        assertThat(blocks).hasSize(3);
        assertThat(blocks.get(0).get("type").asString()).isEqualTo("header");
        assertThat(blocks.get(0).get("text").get("type").asString()).isEqualTo("plain_text");
        assertThat(blocks.get(1).get("type").asString()).isEqualTo("section");
        assertThat(blocks.get(1).get("text").get("type").asString()).isEqualTo("mrkdwn");
        assertThat(blocks.get(1).get("text").get("text").asString())
                .startsWith("FIRING critical {breaker=tool:search}: Circuit breaker tool:search is OPEN");
        assertThat(blocks.get(2).get("type").asString()).isEqualTo("context");
        assertThat(blocks.get(2).get("elements").get(0).get("text").asString()).contains("breaker_open");
    }

    @Test
    void resolvedSlackNoticeUsesCheckMark() {
        String payload = SlackChannel.payload(notice(AlertStatus.RESOLVED));

        assertThat(JSON.readTree(payload).get("text").asString())
                .isEqualTo(":white_check_mark: [CRITICAL] RESOLVED breaker_open (1 alert)");
    }

    @Test
    void failedDeliveriesLogNoSecrets() {
        server.enqueue(new MockResponse.Builder().code(500).body("internal error " + HOOK_TOKEN).build());
        server.enqueue(new MockResponse.Builder().code(500).build());
        server.enqueue(new MockResponse.Builder().code(500).build());
        server.enqueue(new MockResponse.Builder().code(500).build());
        WebhookChannel webhook = WebhookChannel.builder(hookUrl()).secret(SECRET).build();
        SlackChannel slack = SlackChannel.of(hookUrl());
        AlertManager manager = AlertManager.builder()
                .rule(new AlertRule() {
                    @Override
                    public String name() {
                        return "always";
                    }

                    @Override
                    public Severity severity() {
                        return Severity.CRITICAL;
                    }

                    @Override
                    public List<AlertCondition> evaluate(Instant now) {
                        return List.of(AlertCondition.of(Map.of(), "always true"));
                    }
                })
                .settings(AlertSettings.DEFAULTS.withGroupWait(Duration.ZERO).withDelivery(2, Duration.ofSeconds(10)))
                .channel(webhook)
                .channel(slack)
                .build();

        manager.evaluate(T0);
        manager.evaluate(T0.plusSeconds(10));

        assertThat(server.getRequestCount()).isEqualTo(4);
        List<String> lines = logLines();
        assertThat(lines).anyMatch(line -> line.contains("failed to deliver notice") && line.contains("HTTP 500"));
        assertThat(lines).anyMatch(line -> line.contains("after 2 attempts, dropping it"));
        assertThat(lines).anyMatch(line -> line.contains("http://127.0.0.1:" + server.getPort() + "/****"));
        assertThat(lines).noneMatch(line -> line.contains(HOOK_TOKEN));
        assertThat(lines).noneMatch(line -> line.contains("XXXXsecret"));
        assertThat(lines).noneMatch(line -> line.contains(SECRET));
        assertThat(webhook.toString()).doesNotContain(HOOK_TOKEN).contains("/****");
        assertThat(slack.toString()).doesNotContain(HOOK_TOKEN);
    }

    @Test
    void unreachableReceiverMessageHasNoUrl() throws Exception {
        URI closed = hookUrl();
        server.close();
        WebhookChannel channel = WebhookChannel.builder(closed).secret(SECRET).timeout(Duration.ofSeconds(2)).build();

        assertThatThrownBy(() -> channel.send(notice(AlertStatus.FIRING)))
                .isInstanceOf(AlertDeliveryException.class)
                .hasMessageStartingWith("request failed")
                .message().doesNotContain(HOOK_TOKEN);
    }

    @Test
    void invalidUrlsRejected() {
        assertThatThrownBy(() -> WebhookChannel.builder(null).secret(SECRET).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Missing webhook URL");
        assertThatThrownBy(() -> SlackChannel.of(URI.create("ftp://127.0.0.1/" + HOOK_TOKEN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp://127.0.0.1/****")
                .message().doesNotContain(HOOK_TOKEN);
        assertThatThrownBy(() -> WebhookChannel.builder(hookUrl()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Missing webhook secret");
    }
}
