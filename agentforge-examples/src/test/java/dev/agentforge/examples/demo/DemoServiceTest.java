package dev.agentforge.examples.demo;

import static dev.agentforge.examples.demo.DemoHttp.data;
import static dev.agentforge.examples.demo.DemoHttp.tokens;
import static dev.agentforge.examples.demo.DemoHttp.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.server.AgentServer;
import dev.agentforge.server.config.ConfigException;
import dev.agentforge.transport.SseEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Starts the demo with the offline scripted model on port 0 and uses it as a client would. */
class DemoServiceTest {

    private static final String QUESTION = "How much revenue did we make in total, with 20% VAT added?";
    private static final BigDecimal VAT_MULTIPLIER = new BigDecimal("1.2");
    private static final Pattern WITH_VAT = Pattern.compile("that is (\\d+\\.\\d{2})\\.");

    private DemoService.Handle demo;
    private DemoHttp http;

    @BeforeEach
    void startDemo() {
        demo = DemoService.start(Map.of("PORT", "0"));
        http = new DemoHttp(demo.url());
    }

    @AfterEach
    void stopDemo() {
        http.close();
        demo.stop();
    }

    @Test
    void revenueWithVatMatchesDatabase() throws Exception {
        List<SseEvent> events = http.run(QUESTION);

        List<String> steps = types(events).stream().filter(type -> !type.equals("thought")).toList();
        assertThat(steps).startsWith("run_started", "action", "observation", "action", "observation", "token");
        assertThat(steps.getLast()).isEqualTo("done");
        assertThat(steps).doesNotContain("error");
        List<JsonNode> actions = data(events, "action");
        assertThat(actions.get(0).get("tool").asString()).isEqualTo("sql_query");
        assertThat(actions.get(1).get("tool").asString()).isEqualTo("calculator");
        List<JsonNode> observations = data(events, "observation");
        JsonNode rows = DemoHttp.JSON.readTree(observations.get(0).get("result").asString()).get("rows");
        assertThat(rows.size()).isEqualTo(1);
        assertThat(new BigDecimal(rows.get(0).get(0).asString())).isEqualByComparingTo(revenue());
        assertThat(observations.get(1).has("error")).isFalse();
        JsonNode started = data(events, "run_started").getFirst();
        assertThat(started.get("model").asString()).isEqualTo("scripted");
        assertThat(started.get("modelNote").asString()).isEqualTo(DemoModel.NOTE);

        String answer = data(events, "done").getFirst().get("answer").asString();
        assertThat(tokens(events)).isEqualTo(answer);
        assertThat(totalWithVat(answer)).isEqualByComparingTo(expectedWithVat(revenue()));
    }

    @Test
    void newOrderChangesAnswerByItsValue() throws Exception {
        BigDecimal before = totalWithVat(answerTo(QUESTION));
        BigDecimal orderValue = insertOrder(2, new BigDecimal("50.00"));

        BigDecimal after = totalWithVat(answerTo(QUESTION));

        assertThat(after.subtract(before)).isEqualByComparingTo(orderValue.multiply(VAT_MULTIPLIER));
        assertThat(after).isEqualByComparingTo(expectedWithVat(revenue()));
    }

    @Test
    void statusShowsFinishedRun() throws Exception {
        JsonNode started = http.startRun(QUESTION);
        http.readEvents(started.get("eventsUrl").asString());

        JsonNode status = http.getJson(started.get("statusUrl").asString());

        assertThat(status.get("status").asString()).isEqualTo("completed");
        assertThat(status.get("answer").asString()).contains("With 20% VAT added");
        assertThat(status.get("principal").asString()).isEqualTo("anonymous");
    }

    @Test
    void readyReportsDatabase() throws Exception {
        JsonNode ready = http.getJson("/health/ready");

        assertThat(ready.get("status").asString()).isEqualTo("UP");
        assertThat(ready.get("checks").findValuesAsString("name")).contains(DemoService.DATABASE_READINESS);
    }

    @Test
    void healthCoversModelAndTools() throws Exception {
        JsonNode health = http.getJson("/health");

        assertThat(health.toString()).contains("\"model\"").contains("\"tools\"");
    }

    @Test
    void metricsCoverPoolToolsAndRuns() throws Exception {
        http.run(QUESTION);

        String metrics = http.getText("/metrics");

        assertThat(metrics).contains("hikaricp_connections_active");
        assertThat(metrics).contains("agentforge_tool_calls_total");
        assertThat(metrics).contains("gen_ai_client_operation_duration");
    }

    @Test
    void invalidSettingStopsStartup() {
        assertThatThrownBy(() -> DemoService.start(Map.of("PORT", "0", "AGENTFORGE_MAX_STEPS", "zero")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("AGENTFORGE_MAX_STEPS")
                .hasMessageContaining("'zero'");
        assertThatThrownBy(() -> DemoService.start(Map.of("PORT", "0", "AGENTFORGE_MODEL", "openai:gpt-4o-mini")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("OPENAI_API_KEY");
    }

    @Test
    void portInUseNamesPortAndFix() {
        String port = Integer.toString(demo.port());

        assertThatThrownBy(() -> DemoService.start(Map.of("PORT", port)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("PORT=" + port)
                .hasMessageContaining("already in use")
                .hasMessageContaining("set PORT to a free port");
    }

    @Test
    void unresolvableHostStopsStartup() {
        // An unclosed IPv6 literal fails in InetAddress without a DNS query.
        assertThatThrownBy(() -> DemoService.start(Map.of("PORT", "0", "AGENTFORGE_HOST", "[::1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("AGENTFORGE_HOST '[::1'");
    }

    @Test
    void invalidDatabaseUrlNamesAcceptedForms() {
        assertThatThrownBy(() -> DemoService.start(Map.of("PORT", "0", "AGENTFORGE_DATABASE_URL", "foo")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("AGENTFORGE_DATABASE_URL 'foo'")
                .hasMessageContaining("jdbc:h2:")
                .hasMessageContaining("jdbc:postgresql://");
    }

    @Test
    void unreachableDatabaseNamesRedactedUrl() {
        // Port 1 on loopback has no listener, so the connection is refused at once.
        assertThatThrownBy(() -> DemoService.start(Map.of("PORT", "0",
                "AGENTFORGE_DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/none?password=very-secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("AGENTFORGE_DATABASE_URL=jdbc:postgresql://127.0.0.1:1/none(parameters hidden)")
                .hasMessageContaining("refused")
                .hasMessageNotContaining("very-secret");
    }

    @Test
    void openAiCompatibleServerNeedsNoKey() {
        // Nothing listens on port 9 of loopback; the start only creates the client and sends no request.
        try (DemoService.Handle local = DemoService.start(Map.of("PORT", "0", "AGENTFORGE_MODEL", "openai:llama3.1",
                "OPENAI_BASE_URL", "http://127.0.0.1:9/v1"))) {
            assertThat(local.port()).isPositive();
        }
    }

    @Test
    void indexNamesDemoAndModel() throws Exception {
        JsonNode index = http.getJson("/");

        assertThat(index.get("service").asString()).isEqualTo(DemoService.SERVICE_NAME);
        assertThat(index.get("model").asString()).isEqualTo("scripted");
        assertThat(index.get("routes").findValuesAsString("url")).contains("/v1/runs", "/v1/runs/{id}/events");
    }

    @Test
    void readyReportsRunLimit() throws Exception {
        JsonNode ready = http.getJson("/health/ready");

        assertThat(ready.get("checks").findValuesAsString("name")).contains(AgentServer.RUNS_READINESS_NAME);
    }

    @Test
    void stopLogsNoWarning() throws Exception {
        answerTo(QUESTION);

        List<String> warnings;
        try (LogCapture logs = new LogCapture()) {
            demo.stop();
            warnings = logs.warnings();
        }

        assertThat(warnings).isEmpty();
    }

    private String answerTo(String question) throws Exception {
        List<SseEvent> events = http.run(question);
        assertThat(types(events).getLast()).as("events %s", types(events)).isEqualTo("done");
        return data(events, "done").getFirst().get("answer").asString();
    }

    private static BigDecimal totalWithVat(String answer) {
        Matcher matcher = WITH_VAT.matcher(answer);
        assertThat(matcher.find()).as("a total with VAT in the answer: %s", answer).isTrue();
        return new BigDecimal(matcher.group(1));
    }

    private static BigDecimal expectedWithVat(BigDecimal revenue) {
        return revenue.multiply(VAT_MULTIPLIER).setScale(2, RoundingMode.HALF_UP);
    }

    // Computed here with its own SQL over the demo's database, apart from the agent's query.
    private BigDecimal revenue() throws SQLException {
        try (Connection connection = demo.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT SUM(quantity * unit_price) FROM orders WHERE status <> 'refunded'")) {
            result.next();
            return result.getBigDecimal(1);
        }
    }

    private BigDecimal insertOrder(int quantity, BigDecimal unitPrice) throws SQLException {
        try (Connection connection = demo.dataSource().getConnection()) {
            long id;
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT MAX(id) + 1 FROM orders")) {
                result.next();
                id = result.getLong(1);
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders"
                    + " (id, customer_id, product_id, quantity, unit_price, ordered_at, status)"
                    + " VALUES (?, 1, 1, ?, ?, CURRENT_TIMESTAMP, 'paid')")) {
                insert.setLong(1, id);
                insert.setInt(2, quantity);
                insert.setBigDecimal(3, unitPrice);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
        }
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}
