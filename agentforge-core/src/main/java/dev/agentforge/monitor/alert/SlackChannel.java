package dev.agentforge.monitor.alert;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Posts each notice to a Slack incoming webhook as {@code text} (the fallback for notifications) and
 * Block Kit {@code blocks}: a header with the title, one section per alert (at most
 * {@value #MAX_ALERT_SECTIONS}), and a context line with the group and time. The webhook URL is a
 * secret, because anyone who has it can post to the channel, so it is masked everywhere.
 */
public final class SlackChannel implements AlertChannel {

    /** The maximum number of alert sections in one message, below Slack's limit of 50 blocks per message. */
    public static final int MAX_ALERT_SECTIONS = 20;

    // Slack's limits: 150 characters for a header's plain text, 3000 for a section's text.
    private static final int HEADER_LIMIT = 150;
    private static final int SECTION_LIMIT = 3000;

    private final String name;
    private final URI url;
    private final HttpClient client;
    private final Duration timeout;

    private SlackChannel(String name, URI url, HttpClient client, Duration timeout) {
        this.name = Objects.requireNonNull(name, "name");
        this.url = JsonPost.requireHttpUrl(url, "Slack webhook");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = client != null ? client : JsonPost.defaultClient(timeout);
    }

    /** Creates a channel to a Slack incoming-webhook URL with a 10 s timeout. */
    public static SlackChannel of(URI webhookUrl) {
        return new SlackChannel("slack", webhookUrl, null, WebhookChannel.DEFAULT_TIMEOUT);
    }

    /** Creates a channel with its own name, HTTP client (null for the default) and timeout. */
    public static SlackChannel of(String name, URI webhookUrl, HttpClient client, Duration timeout) {
        return new SlackChannel(name, webhookUrl, client, timeout);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return Secrets.maskUrl(url);
    }

    @Override
    public void send(Notice notice) throws AlertDeliveryException {
        JsonPost.post(client, url, payload(notice).getBytes(StandardCharsets.UTF_8), Map.of(), timeout);
    }

    /** Returns the JSON payload Slack receives for a notice. */
    public static String payload(Notice notice) {
        ObjectNode root = NoticeJson.mapper().createObjectNode();
        root.put("text", emoji(notice) + " " + notice.title());
        ArrayNode blocks = root.putArray("blocks");

        ObjectNode header = blocks.addObject();
        header.put("type", "header");
        ObjectNode headerText = header.putObject("text");
        headerText.put("type", "plain_text");
        headerText.put("text", cut(emoji(notice) + " " + notice.title(), HEADER_LIMIT));

        int shown = Math.min(notice.alerts().size(), MAX_ALERT_SECTIONS);
        for (int i = 0; i < shown; i++) {
            ObjectNode section = blocks.addObject();
            section.put("type", "section");
            ObjectNode text = section.putObject("text");
            text.put("type", "mrkdwn");
            text.put("text", cut(Notice.line(notice.alerts().get(i)), SECTION_LIMIT));
        }
        ObjectNode context = blocks.addObject();
        context.put("type", "context");
        ObjectNode contextText = context.putArray("elements").addObject();
        contextText.put("type", "mrkdwn");
        String more = notice.alerts().size() > shown ? " and " + (notice.alerts().size() - shown) + " more alerts" : "";
        contextText.put("text", cut("group " + notice.groupKey() + " at " + notice.sentAt() + more, SECTION_LIMIT));
        return NoticeJson.mapper().writeValueAsString(root);
    }

    private static String emoji(Notice notice) {
        return switch (notice.status()) {
            case RESOLVED -> ":white_check_mark:";
            case FLAPPING -> ":warning:";
            case FIRING -> notice.severity() == Severity.CRITICAL ? ":rotating_light:" : ":warning:";
        };
    }

    private static String cut(String text, int limit) {
        return text.length() <= limit ? text : text.substring(0, limit - 1) + "…";
    }

    @Override
    public String toString() {
        return "SlackChannel[" + name + ", " + describe() + "]";
    }
}
