package dev.agentforge.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.monitor.audit.AuditLog;
import dev.agentforge.monitor.audit.AuditOutcome;
import dev.agentforge.monitor.audit.AuditQuery;
import dev.agentforge.monitor.audit.AuditRecord;
import dev.agentforge.monitor.audit.InMemoryAuditStore;
import dev.agentforge.server.AgentServer;
import dev.agentforge.tool.Tool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AuditHttpTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String USER_AGENT = "audit-test/1.0";

    private final HttpClient http = HttpClient.newHttpClient();
    private final CountDownLatch blockStarted = new CountDownLatch(1);
    private final InMemoryAuditStore store = new InMemoryAuditStore();
    private AuditLog audit;
    private AgentServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private void start(boolean queryRoutes) {
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("echo", "echo (.+)", turn -> turn.step() == 0
                        ? ScriptStep.callTool("echo", "{\"text\": \"" + turn.group(1) + "\"}")
                        : ScriptStep.answer("echoed"))
                .rule("block", "block", turn -> ScriptStep.callTool("block", "{}"))
                .build();
        Tool echo = Tool.builder("echo").description("Returns its text.")
                .handler((arguments, context) -> arguments.get("text").asString()).build();
        Tool block = Tool.builder("block").description("Waits until interrupted.")
                .handler((arguments, context) -> {
                    blockStarted.countDown();
                    new CountDownLatch(1).await();
                    return "never";
                }).build();
        Agent agent = Agent.builder().model(model).modelName("scripted").tools(echo, block).build();
        audit = AuditLog.builder(store).build();
        server = AgentServer.create(agent).port(0).audit(audit).auditHttp(queryRoutes).start();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("User-Agent", USER_AGENT)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String startRun(String input) throws Exception {
        HttpResponse<String> response = send("POST", "/v1/runs", "{\"input\": \"" + input + "\"}");
        assertThat(response.statusCode()).isEqualTo(202);
        return JSON.readTree(response.body()).get("runId").asString();
    }

    private List<AuditRecord> recordsOf(String runId) {
        assertThat(audit.flush()).isTrue();
        return audit.query(AuditQuery.builder().runId(runId).build());
    }

    @Test
    void runStartedOverHttpRecorded() throws Exception {
        start(true);
        String runId = startRun("echo hi");
        awaitAction(runId, "run.end");

        List<AuditRecord> records = recordsOf(runId);

        assertThat(records).extracting(AuditRecord::action).containsExactly("run.start", "tool.call", "run.end");
        AuditRecord started = records.getFirst();
        assertThat(started.actor()).isEqualTo("anonymous");
        assertThat(started.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(started.userAgent()).isEqualTo(USER_AGENT);
        assertThat(records.get(1).resource()).isEqualTo("echo");
    }

    @Test
    void cancelsOverHttpRecorded() throws Exception {
        start(true);
        String runId = startRun("block");
        assertThat(blockStarted.await(10, TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> first = send("POST", "/v1/runs/" + runId + "/cancel", null);
        HttpResponse<String> second = send("POST", "/v1/runs/" + runId + "/cancel", null);
        HttpResponse<String> unknown = send("POST", "/v1/runs/run_unknown/cancel", null);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(unknown.statusCode()).isEqualTo(404);
        List<AuditRecord> cancels = new ArrayList<>(recordsOf(runId).stream()
                .filter(record -> record.action().equals("run.cancel")).toList());
        assertThat(cancels).hasSize(2);
        assertThat(cancels.get(0).outcome()).isEqualTo(AuditOutcome.SUCCESS);
        assertThat(cancels.get(0).actor()).isEqualTo("anonymous");
        assertThat(cancels.get(0).userAgent()).isEqualTo(USER_AGENT);
        assertThat(cancels.get(1).outcome()).isEqualTo(AuditOutcome.FAILURE);
        assertThat(cancels.get(1).detail()).isEqualTo("rejected with HTTP 409 run_finished");
        assertThat(recordsOf("run_unknown").getFirst().detail()).isEqualTo("rejected with HTTP 404 run_not_found");
    }

    @Test
    void rejectedStartRecorded() throws Exception {
        start(true);

        HttpResponse<String> response = send("POST", "/v1/runs", "{broken");

        assertThat(response.statusCode()).isEqualTo(400);
        AuditRecord record = audit.query(AuditQuery.builder().action("run.start").build()).getFirst();
        assertThat(record.outcome()).isEqualTo(AuditOutcome.FAILURE);
        assertThat(record.detail()).isEqualTo("rejected with HTTP 400 invalid_json");
        assertThat(record.clientAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void queryReturnsJsonAndCsv() throws Exception {
        start(true);
        String runId = startRun("echo ab");
        awaitAction(runId, "run.end");

        HttpResponse<String> json = send("GET", "/v1/audit?runId=" + runId + "&action=tool.*", null);
        HttpResponse<String> csv = send("GET", "/v1/audit?runId=" + runId + "&format=csv", null);
        HttpResponse<String> paged = send("GET", "/v1/audit?limit=1", null);

        assertThat(json.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(json.body());
        assertThat(body.get("count").asInt()).isEqualTo(1);
        assertThat(body.get("records").get(0).get("action").asString()).isEqualTo("tool.call");
        assertThat(body.get("records").get(0).get("attributes").has("argumentsSha256")).isTrue();
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("text/csv"));
        assertThat(csv.body()).startsWith("sequence,time,actor,action,").contains("\r\n");
        assertThat(paged.headers().firstValue("X-Audit-Next-After")).contains("1");
        assertThat(JSON.readTree(paged.body()).get("nextAfter").asLong()).isEqualTo(1);
        assertThat(audit.query(AuditQuery.builder().action("audit.read").build())).hasSize(3);
    }

    @Test
    void invalidQueryRejected() throws Exception {
        start(true);

        HttpResponse<String> badTime = send("GET", "/v1/audit?from=yesterday", null);
        HttpResponse<String> badLimit = send("GET", "/v1/audit?limit=0", null);
        HttpResponse<String> badFormat = send("GET", "/v1/audit?format=xml", null);
        HttpResponse<String> badRange = send("GET",
                "/v1/audit?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", null);

        for (HttpResponse<String> response : List.of(badTime, badLimit, badFormat, badRange)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("error").get("code").asString()).isEqualTo("invalid_query");
        }
        assertThat(JSON.readTree(badTime.body()).get("error").get("field").asString()).isEqualTo("from");
    }

    @Test
    void verifyReportsTampering() throws Exception {
        start(true);
        String runId = startRun("echo x");
        awaitAction(runId, "run.end");

        JsonNode valid = JSON.readTree(send("GET", "/v1/audit/verify", null).body());
        List<AuditRecord> records = store.records();
        records.set(1, records.get(1).withDetail("edited"));
        store.replaceAll(records);
        JsonNode broken = JSON.readTree(send("GET", "/v1/audit/verify", null).body());

        assertThat(valid.get("valid").asBoolean()).isTrue();
        assertThat(valid.get("anchorStatus").asString()).isEqualTo("matched");
        assertThat(broken.get("valid").asBoolean()).isFalse();
        assertThat(broken.get("firstBadSequence").asLong()).isEqualTo(2);
    }

    @Test
    void queryRoutesCanBeTurnedOff() throws Exception {
        start(false);

        HttpResponse<String> query = send("GET", "/v1/audit", null);
        HttpResponse<String> verify = send("GET", "/v1/audit/verify", null);

        assertThat(query.statusCode()).isEqualTo(404);
        assertThat(verify.statusCode()).isEqualTo(404);
    }

    @Test
    void otherMethodsGet405() throws Exception {
        start(true);

        HttpResponse<String> response = send("POST", "/v1/audit", "{}");
        HttpResponse<String> head = send("HEAD", "/v1/audit/verify", null);

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).contains("GET, HEAD");
        assertThat(head.statusCode()).isEqualTo(200);
    }

    private void awaitAction(String runId, String action) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            audit.flush();
            return audit.query(AuditQuery.builder().runId(runId).action(action).build()).size() == 1;
        });
    }
}
