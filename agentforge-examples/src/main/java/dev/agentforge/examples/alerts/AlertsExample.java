package dev.agentforge.examples.alerts;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.agentforge.monitor.alert.AlertManager;
import dev.agentforge.monitor.alert.AlertSettings;
import dev.agentforge.monitor.alert.BreakerOpenRule;
import dev.agentforge.monitor.alert.LogChannel;
import dev.agentforge.monitor.alert.Severity;
import dev.agentforge.monitor.alert.SlackChannel;
import dev.agentforge.resilience.BreakerSettings;
import dev.agentforge.resilience.CircuitBreakers;
import dev.agentforge.server.alert.EmailChannel;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import jakarta.mail.internet.MimeMessage;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * Alerts to Slack and email when a circuit breaker opens. A MockWebServer on 127.0.0.1 serves as the Slack
 * incoming webhook, and a GreenMail SMTP server on a loopback port as the mail relay. Four failed
 * calls open the breaker of the model {@code primary}; the next evaluation sends a critical alert to
 * both channels. When the breaker closes again, the evaluation after the group interval sends the
 * resolve notice. The example prints each Slack payload and email subject.
 */
public final class AlertsExample {

    private static final Instant START = Instant.parse("2026-01-01T09:00:00Z");

    private AlertsExample() {
    }

    /**
     * The requests and emails the receivers got, in order.
     *
     * @param slackPayloads the JSON bodies the Slack stand-in received
     * @param emailSubjects the subjects of the emails the SMTP server received
     */
    public record Result(List<String> slackPayloads, List<String> emailSubjects) {
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Opens a breaker, evaluates the alert rules, closes the breaker and evaluates again. */
    public static Result run(PrintStream out) throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        try (MockWebServer slack = new MockWebServer()) {
            slack.start(InetAddress.getByName("127.0.0.1"), 0);
            slack.enqueue(new MockResponse.Builder().code(200).body("ok").build());
            slack.enqueue(new MockResponse.Builder().code(200).body("ok").build());
            smtp.start();

            CircuitBreakers breakers = CircuitBreakers.builder()
                    .defaults(BreakerSettings.builder()
                            .slidingWindow(SlidingWindowType.COUNT_BASED, 4)
                            .minimumNumberOfCalls(4)
                            .build())
                    .build();
            breakers.addListener(change -> out.println("breaker " + change.name() + ": " + change.from() + " -> "
                    + change.to() + " because " + change.reason()));
            // The path of a real Slack webhook URL is its secret; logs show it as /****.
            URI slackUrl = URI.create("http://127.0.0.1:" + slack.getPort() + "/services/T000/B000/example-token");
            AlertManager alerts = AlertManager.builder()
                    .rule(BreakerOpenRule.watching(breakers, "breaker_open", Severity.CRITICAL))
                    .settings(AlertSettings.DEFAULTS.withGroupWait(Duration.ZERO))
                    .channel(SlackChannel.of(slackUrl), Severity.WARNING)
                    .channel(EmailChannel.builder("127.0.0.1", smtp.getSmtp().getPort())
                            .security(EmailChannel.Security.NONE)
                            .from("agentforge@example.test")
                            .to("oncall@example.test")
                            .build(), Severity.CRITICAL)
                    .channel(new LogChannel())
                    .build();

            CircuitBreaker primary = breakers.forModel("primary");
            for (int i = 0; i < 4; i++) {
                try {
                    primary.executeRunnable(() -> {
                        throw new IllegalStateException("The model provider is overloaded (HTTP 529)");
                    });
                } catch (IllegalStateException expected) {
                    // Each failure is recorded by the breaker; the fourth opens it.
                }
            }
            alerts.evaluate(START);

            primary.transitionToClosedState();
            alerts.evaluate(START.plus(Duration.ofMinutes(1)));
            alerts.evaluate(START.plus(AlertSettings.DEFAULTS.groupInterval()));

            List<String> payloads = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                RecordedRequest request = slack.takeRequest(5, TimeUnit.SECONDS);
                if (request == null) {
                    break;
                }
                payloads.add(request.getBody().utf8());
                out.println("slack received: " + request.getBody().utf8());
            }
            smtp.waitForIncomingEmail(5_000, 2);
            List<String> subjects = new ArrayList<>();
            for (MimeMessage message : smtp.getReceivedMessages()) {
                subjects.add(message.getSubject());
                out.println("email received: " + message.getSubject());
            }
            return new Result(payloads, subjects);
        } finally {
            smtp.stop();
        }
    }
}
