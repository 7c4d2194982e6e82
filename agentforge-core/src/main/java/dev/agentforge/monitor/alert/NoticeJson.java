package dev.agentforge.monitor.alert;

import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The JSON form of a {@link Notice}, the body of {@link WebhookChannel} requests. */
public final class NoticeJson {

    /** The payload version; it changes only when a field changes meaning or goes away. */
    public static final String VERSION = "1";

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private NoticeJson() {
    }

    /** Returns the notice as compact JSON. */
    public static String toJson(Notice notice) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", VERSION);
        root.put("id", notice.id());
        root.put("groupKey", notice.groupKey());
        root.put("rule", notice.rule());
        root.put("status", notice.status().label());
        root.put("severity", notice.severity().label());
        root.set("groupLabels", labels(notice.groupLabels()));
        root.put("count", notice.count());
        root.put("occurrences", notice.occurrences());
        root.put("sentAt", notice.sentAt().toString());
        root.put("title", notice.title());
        ArrayNode alerts = root.putArray("alerts");
        for (Alert alert : notice.alerts()) {
            ObjectNode node = alerts.addObject();
            node.put("status", alert.status().label());
            node.put("rule", alert.rule());
            node.put("severity", alert.severity().label());
            node.set("labels", labels(alert.labels()));
            node.put("summary", alert.summary());
            node.put("startsAt", alert.startsAt() == null ? null : alert.startsAt().toString());
            node.put("endsAt", alert.endsAt() == null ? null : alert.endsAt().toString());
            node.put("occurrences", alert.occurrences());
        }
        return MAPPER.writeValueAsString(root);
    }

    static ObjectNode labels(Map<String, String> labels) {
        ObjectNode node = MAPPER.createObjectNode();
        labels.forEach(node::put);
        return node;
    }

    static JsonMapper mapper() {
        return MAPPER;
    }
}
