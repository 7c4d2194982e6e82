package dev.agentforge.monitor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.tool.Tool;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuditLogRunsTest {

    private static final String ARGUMENTS = "{\"city\": \"Oslo\", \"apiKey\": \"sk-abcdefghijklmnopqrstuvwx\"}";

    private final CountDownLatch blockStarted = new CountDownLatch(1);

    private Agent agent() {
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("weather", "weather", turn -> turn.step() == 0
                        ? ScriptStep.callTool("lookup", ARGUMENTS)
                        : ScriptStep.answer("It is mild: " + turn.lastResult().text()))
                .rule("broken", "broken", turn -> turn.step() == 0
                        ? ScriptStep.callTool("fail", "{}")
                        : ScriptStep.answer("The tool failed"))
                .rule("block", "block", turn -> ScriptStep.callTool("block", "{}"))
                .build();
        Tool lookup = Tool.builder("lookup").description("Looks a city up.")
                .handler((arguments, context) -> "12 degrees").build();
        Tool fail = Tool.builder("fail").description("Always fails.")
                .handler((arguments, context) -> {
                    throw new IllegalStateException("the backend rejected token=abc123");
                }).build();
        Tool block = Tool.builder("block").description("Waits until interrupted.")
                .handler((arguments, context) -> {
                    blockStarted.countDown();
                    new CountDownLatch(1).await();
                    return "never";
                }).build();
        return Agent.builder().model(model).modelName("scripted").tools(lookup, fail, block).build();
    }

    private static List<AuditRecord> recordsOf(AuditLog log, String runId) {
        assertThat(log.flush()).isTrue();
        return log.query(AuditQuery.builder().runId(runId).build());
    }

    @Test
    void runAndToolCallRecorded() throws Exception {
        try (AuditLog log = AuditLog.builder(new InMemoryAuditStore()).build()) {
            AgentRun run = agent().start(new RunRequest("weather in Oslo", "alice"));
            log.watch(run);
            run.result().get(10, TimeUnit.SECONDS);

            List<AuditRecord> records = recordsOf(log, run.id());

            assertThat(records).extracting(AuditRecord::action).containsExactly("run.start", "tool.call", "run.end");
            assertThat(records).extracting(AuditRecord::actor).containsOnly("alice");
            AuditRecord call = records.get(1);
            assertThat(call.resource()).isEqualTo("lookup");
            assertThat(call.outcome()).isEqualTo(AuditOutcome.SUCCESS);
            String canonical = "{\"apiKey\":\"sk-abcdefghijklmnopqrstuvwx\",\"city\":\"Oslo\"}";
            assertThat(call.attributes()).containsEntry(AuditLog.ARGUMENTS_SHA256,
                    ChainHasher.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8)));
            assertThat(call.attributes()).doesNotContainKey(AuditLog.ARGUMENTS);
            assertThat(records.getFirst().attributes()).containsEntry("model", "scripted");
            assertThat(log.verify().valid()).isTrue();
        }
    }

    @Test
    void redactedArgumentsIncludedWhenAsked() throws Exception {
        try (AuditLog log = AuditLog.builder(new InMemoryAuditStore())
                .toolArguments(AuditLog.ToolArguments.REDACTED).build()) {
            AgentRun run = agent().start(RunRequest.of("weather in Oslo"));
            log.watch(run);
            run.result().get(10, TimeUnit.SECONDS);

            AuditRecord call = recordsOf(log, run.id()).get(1);

            assertThat(call.attributes().get(AuditLog.ARGUMENTS))
                    .isEqualTo("{\"city\":\"Oslo\",\"apiKey\":\"[REDACTED]\"}");
            assertThat(call.actor()).isEqualTo("anonymous");
        }
    }

    @Test
    void failedToolCallRecordedRedacted() throws Exception {
        try (AuditLog log = AuditLog.builder(new InMemoryAuditStore()).build()) {
            AgentRun run = agent().start(RunRequest.of("broken"));
            log.watch(run);
            run.result().get(10, TimeUnit.SECONDS);

            AuditRecord call = recordsOf(log, run.id()).get(1);

            assertThat(call.outcome()).isEqualTo(AuditOutcome.FAILURE);
            assertThat(call.detail()).contains("token=[REDACTED]").doesNotContain("abc123");
        }
    }

    @Test
    void attributedCancelRecordedOnce() throws Exception {
        try (AuditLog log = AuditLog.builder(new InMemoryAuditStore()).build()) {
            AgentRun run = agent().start(new RunRequest("block", "alice"));
            log.watch(run);
            assertThat(blockStarted.await(10, TimeUnit.SECONDS)).isTrue();

            boolean cancelled = log.cancel(run, "bob", "stopped by the operator");
            boolean again = log.cancel(run, "bob", "stopped twice");

            List<AuditRecord> records = recordsOf(log, run.id());
            assertThat(cancelled).isTrue();
            assertThat(again).isFalse();
            assertThat(records).extracting(AuditRecord::action)
                    .containsExactly("run.start", "tool.call", "run.cancel", "run.cancel");
            assertThat(records.get(1).detail()).isEqualTo("the run ended before the tool returned");
            assertThat(records.get(2).actor()).isEqualTo("bob");
            assertThat(records.get(2).outcome()).isEqualTo(AuditOutcome.SUCCESS);
            assertThat(records.get(2).detail()).isEqualTo("stopped by the operator");
            assertThat(records.get(3).outcome()).isEqualTo(AuditOutcome.FAILURE);
            assertThat(records.get(3).detail()).contains("already finished with status cancelled");
        }
    }

    @Test
    void plainCancelRecordedAsSystem() throws Exception {
        try (AuditLog log = AuditLog.builder(new InMemoryAuditStore()).build()) {
            AgentRun run = agent().start(RunRequest.of("block"));
            log.watch(run);
            assertThat(blockStarted.await(10, TimeUnit.SECONDS)).isTrue();

            run.cancel("the server stopped");

            List<AuditRecord> records = recordsOf(log, run.id());
            assertThat(records.getLast().action()).isEqualTo("run.cancel");
            assertThat(records.getLast().actor()).isEqualTo(AuditLog.SYSTEM_ACTOR);
            assertThat(records.getLast().detail()).isEqualTo("the server stopped");
        }
    }

    @Test
    void adminActionNeedsPrefix() {
        try (AuditLog log = AuditLog.builder(new InMemoryAuditStore()).build()) {
            AuditRecord record = log.recordAdmin("ops", "admin.retention.change", "audit", AuditOutcome.SUCCESS,
                    "P30D to P90D");

            assertThat(record.sequence()).isEqualTo(1);
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> log.recordAdmin("ops", "config.change", null, AuditOutcome.SUCCESS, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("admin.");
        }
    }

    @Test
    void deniedActionsRecorded() {
        try (AuditLog log = AuditLog.builder(new InMemoryAuditStore()).build()) {
            RequestOrigin origin = new RequestOrigin("127.0.0.1", "curl/8.5");

            AuditRecord failure = log.recordAuthenticationFailure("mallory", origin,
                    "invalid Authorization: Bearer abcdefghijklmnop");
            AuditRecord denied = log.recordAccessDenied("mallory", "run.cancel", "run_1", origin, "not the owner");

            assertThat(failure.action()).isEqualTo(AuditActions.AUTH_FAILURE);
            assertThat(failure.outcome()).isEqualTo(AuditOutcome.DENIED);
            assertThat(failure.detail()).doesNotContain("abcdefghijklmnop");
            assertThat(failure.clientAddress()).isEqualTo("127.0.0.1");
            assertThat(denied.attributes()).containsEntry("requestedAction", "run.cancel");
        }
    }
}
