package dev.agentforge.examples.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditExampleTest {

    @TempDir
    Path directory;

    @Test
    void recordsVerifiesAndCatchesEdit() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        AuditExample.Result result = AuditExample.run(directory, new PrintStream(output, true, StandardCharsets.UTF_8));

        List<String> lines = output.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.getFirst()).isEqualTo("recorded 10 records");
        assertThat(lines).contains("  1 alice run.start run_1 success", "  2 alice tool.call lookup_customer success",
                "  9 carol run.cancel run_3 success", "  10 carol admin.retention.change audit success");
        assertThat(lines).contains("verification: valid, 10 records, anchor matched");
        assertThat(String.join("\n", lines)).contains("[REDACTED:email]").doesNotContain("ada@example.org");
        assertThat(lines.getLast()).startsWith("after editing record 2: INVALID, first bad record 2: the hash of"
                + " record 2 does not match its content");
        assertThat(result.records()).isEqualTo(10);
        assertThat(result.validBeforeEdit()).isTrue();
        assertThat(result.firstBadAfterEdit()).isEqualTo(2);
    }
}
