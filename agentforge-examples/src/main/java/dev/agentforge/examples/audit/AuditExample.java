package dev.agentforge.examples.audit;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.monitor.audit.AuditCodec;
import dev.agentforge.monitor.audit.AuditExport;
import dev.agentforge.monitor.audit.AuditLog;
import dev.agentforge.monitor.audit.AuditOutcome;
import dev.agentforge.monitor.audit.AuditQuery;
import dev.agentforge.monitor.audit.AuditRecord;
import dev.agentforge.monitor.audit.AuditVerification;
import dev.agentforge.monitor.audit.ChainHasher;
import dev.agentforge.monitor.audit.FileAnchorStore;
import dev.agentforge.monitor.audit.JsonLinesAuditStore;
import dev.agentforge.tool.Tool;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An audit log for compliance. Two runs with tool calls and a cancelled run are recorded in
 * JSON-lines files with an HMAC-SHA-256 chain. The log is verified and its tool calls exported as
 * CSV. Then one record is edited in its file, and the verifier catches the edit and names the record.
 */
public final class AuditExample {

    // A fixed key keeps the example reproducible; a service reads its key from a secret store.
    private static final byte[] KEY = "example key: replace with 32 random bytes or more".getBytes(StandardCharsets.UTF_8);

    private AuditExample() {
    }

    /**
     * The outcome of the example.
     *
     * @param records how many records the runs left
     * @param validBeforeEdit whether the untouched log verified
     * @param firstBadAfterEdit the position the verifier named after the edit
     */
    public record Result(long records, boolean validBeforeEdit, Long firstBadAfterEdit) {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Files.createTempDirectory("agentforge-audit-example");
        run(directory, System.out);
        System.out.println("The audit files are in " + directory);
    }

    /** Runs the example with its log in {@code directory}, prints each step to {@code out}, and returns the outcome. */
    public static Result run(Path directory, PrintStream out) throws Exception {
        JsonLinesAuditStore store = JsonLinesAuditStore.builder(directory.resolve("log")).build();
        AuditLog audit = AuditLog.builder(store)
                .hasher(ChainHasher.hmacSha256(KEY))
                .anchorStore(new FileAnchorStore(directory.resolve("anchor.json")))
                .toolArguments(AuditLog.ToolArguments.REDACTED)
                .build();
        try (audit) {
            CountDownLatch exportStarted = new CountDownLatch(1);
            Agent agent = agent(exportStarted);

            AgentRun first = agent.start(new RunRequest("find customer ada@example.org", "alice"));
            audit.watch(first);
            first.result().get(10, TimeUnit.SECONDS);
            AgentRun second = agent.start(new RunRequest("find customer bob@example.org", "bob"));
            audit.watch(second);
            second.result().get(10, TimeUnit.SECONDS);
            AgentRun export = agent.start(new RunRequest("export all customers", "bob"));
            audit.watch(export);
            exportStarted.await(10, TimeUnit.SECONDS);
            audit.cancel(export, "carol", "a bulk export needs approval");
            // Run events are recorded by a background thread; the admin record should come after them.
            audit.flush();
            audit.recordAdmin("carol", "admin.retention.change", "audit", AuditOutcome.SUCCESS, "P90D to P365D");
            audit.flush();

            List<AuditRecord> records = audit.query(AuditQuery.builder().limit(1000).build());
            out.println("recorded " + records.size() + " records");
            for (AuditRecord record : records) {
                out.println("  " + record.sequence() + " " + record.actor() + " " + record.action() + " "
                        + (record.resource() == null ? "-" : record.resource()) + " " + record.outcome().value());
            }

            AuditVerification before = audit.verify();
            out.println("verification: " + (before.valid() ? "valid" : "INVALID") + ", " + before.records()
                    + " records, anchor " + before.anchorStatus());

            StringWriter csv = new StringWriter();
            AuditExport.writeCsv(audit.query(AuditQuery.builder().action("tool.call").build()), csv);
            out.println("tool calls as CSV:");
            csv.toString().lines().forEach(line -> out.println("  " + line));

            editRecord(store, 2);
            AuditVerification after = audit.verify();
            out.println("after editing record 2: " + (after.valid() ? "valid" : "INVALID") + ", first bad record "
                    + after.firstBadSequence() + ": " + after.problem());
            return new Result(records.size(), before.valid(), after.firstBadSequence());
        }
    }

    // Plays an insider who changes who made a tool call, in the file, without the key.
    private static void editRecord(JsonLinesAuditStore store, long sequence) throws Exception {
        for (Path file : store.files()) {
            List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            for (int i = 0; i < lines.size(); i++) {
                AuditRecord record = AuditCodec.fromJson(lines.get(i));
                if (record.sequence() == sequence) {
                    lines.set(i, lines.get(i).replace("\"actor\":\"alice\"", "\"actor\":\"mallory\""));
                    Files.write(file, lines, StandardCharsets.UTF_8);
                    return;
                }
            }
        }
    }

    private static Agent agent(CountDownLatch exportStarted) {
        Tool lookup = Tool.builder("lookup_customer")
                .description("Finds a customer by e-mail address")
                .parameters("""
                        {"type": "object", "properties": {"email": {"type": "string"}}, "required": ["email"]}""")
                .handler((arguments, context) -> "customer " + arguments.get("email").asString().split("@")[0])
                .build();
        Tool exportAll = Tool.builder("export_customers")
                .description("Exports every customer; slow")
                .handler((arguments, context) -> {
                    exportStarted.countDown();
                    new CountDownLatch(1).await();
                    return "never";
                })
                .build();
        ScriptedChatModel model = ScriptedChatModel.builder()
                .rule("find", "find customer (\\S+)", turn -> turn.results().isEmpty()
                        ? ScriptStep.callTool("lookup_customer", "{\"email\": \"" + turn.group(1) + "\"}")
                        : ScriptStep.answer("Found " + turn.lastResult().text()))
                .rule("export", "export", turn -> ScriptStep.callTool("export_customers", "{}"))
                .build();
        AtomicInteger runNumber = new AtomicInteger();
        return Agent.builder().model(model).modelName("scripted").tools(lookup, exportAll)
                .runIds(() -> "run_" + runNumber.incrementAndGet())
                .build();
    }
}
