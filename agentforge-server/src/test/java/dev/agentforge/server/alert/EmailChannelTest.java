package dev.agentforge.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.agentforge.monitor.alert.AlertCondition;
import dev.agentforge.monitor.alert.AlertManager;
import dev.agentforge.monitor.alert.AlertRule;
import dev.agentforge.monitor.alert.AlertSettings;
import dev.agentforge.monitor.alert.BreakerOpenRule;
import dev.agentforge.monitor.alert.Severity;
import dev.agentforge.resilience.CircuitBreakers;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmailChannelTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String PASSWORD = "smtp-pa55-9c1e";

    private final GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@agentforge.test", "alerts", PASSWORD));
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void start() {
        smtp.start();
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void stop() {
        root.detachAppender(logs);
        smtp.stop();
    }

    private EmailChannel.Builder channel(String password) {
        return EmailChannel.builder("127.0.0.1", smtp.getSmtp().getPort())
                .security(EmailChannel.Security.NONE)
                .credentials("alerts", password)
                .from("agentforge@agentforge.test")
                .to("oncall@agentforge.test")
                .timeout(Duration.ofSeconds(5));
    }

    @Test
    void breakerAlertReachesInbox() throws Exception {
        CircuitBreakers breakers = CircuitBreakers.create();
        AlertManager manager = AlertManager.builder()
                .rule(BreakerOpenRule.watching(breakers, "breaker_open", Severity.CRITICAL))
                .settings(AlertSettings.DEFAULTS.withGroupWait(Duration.ZERO))
                .channel(channel(PASSWORD).build())
                .build();

        breakers.forModel("gpt").transitionToOpenState();
        manager.evaluate(T0);

        assertThat(smtp.waitForIncomingEmail(5_000, 1)).isTrue();
        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getSubject()).isEqualTo("[CRITICAL] FIRING breaker_open (1 alert)");
        assertThat(received[0].getAllRecipients()[0].toString()).isEqualTo("oncall@agentforge.test");
        assertThat(received[0].getFrom()[0].toString()).isEqualTo("agentforge@agentforge.test");
        String body = ((String) received[0].getContent()).replace("\r\n", "\n");
        assertThat(body).contains("FIRING critical {breaker=model:gpt}: Circuit breaker model:gpt is OPEN");
        assertThat(received[0].getHeader("X-AgentForge-Notice")[0]).isEqualTo("breaker_open{breaker=\"model:gpt\"}#1");
    }

    @Test
    void wrongPasswordLogsNoSecret() {
        EmailChannel channel = channel(PASSWORD + "-wrong").build();
        AlertManager manager = AlertManager.builder()
                .rule(new AlertRule() {
                    @Override
                    public String name() {
                        return "always";
                    }

                    @Override
                    public Severity severity() {
                        return Severity.WARNING;
                    }

                    @Override
                    public List<AlertCondition> evaluate(Instant now) {
                        return List.of(AlertCondition.of(Map.of(), "always true"));
                    }
                })
                .settings(AlertSettings.DEFAULTS.withGroupWait(Duration.ZERO).withDelivery(1, Duration.ZERO))
                .channel(channel)
                .build();

        manager.evaluate(T0);

        assertThat(smtp.getReceivedMessages()).isEmpty();
        List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anyMatch(line -> line.contains("Alert channel email (smtp 127.0.0.1:" + smtp.getSmtp().getPort())
                && line.contains("SMTP delivery to 127.0.0.1:") && line.contains("after 1 attempts"));
        assertThat(lines).noneMatch(line -> line.contains(PASSWORD));
        assertThat(channel.toString()).doesNotContain(PASSWORD).contains("user alerts");
    }

    @Test
    void missingSettingsRejected() {
        assertThatThrownBy(() -> EmailChannel.builder("", 25).from("a@agentforge.test").to("b@agentforge.test").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Missing SMTP host");
        assertThatThrownBy(() -> EmailChannel.builder("127.0.0.1", 25).from("a@agentforge.test").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Missing recipients");
        assertThatThrownBy(() -> EmailChannel.builder("127.0.0.1", 25).from("not an address").to("b@agentforge.test")
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid sender address");
    }
}
