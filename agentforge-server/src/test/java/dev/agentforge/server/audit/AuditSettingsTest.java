package dev.agentforge.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.monitor.audit.AuditLog;
import dev.agentforge.monitor.audit.JsonLinesAuditStore;
import dev.agentforge.server.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditSettingsTest {

    @TempDir
    Path directory;

    @Test
    void defaults() {
        AuditSettings settings = AuditSettings.fromEnvironment(Map.of());

        assertThat(settings.enabled()).isTrue();
        assertThat(settings.directory()).isEqualTo(Path.of("audit"));
        assertThat(settings.anchorFile()).isEqualTo(Path.of("audit", "anchor.json"));
        assertThat(settings.httpEnabled()).isTrue();
        assertThat(settings.retention()).isEqualTo(Duration.ofDays(90));
        assertThat(settings.hmacKey()).isNull();
        assertThat(settings.fsync()).isEqualTo(JsonLinesAuditStore.FsyncPolicy.EVERY_RECORD);
        assertThat(settings.toolArguments()).isEqualTo(AuditLog.ToolArguments.DIGEST);
    }

    @Test
    void readsEveryVariable() {
        AuditSettings settings = AuditSettings.fromEnvironment(Map.of(
                "AGENTFORGE_AUDIT_ENABLED", "false", "AGENTFORGE_AUDIT_DIR", directory.toString(),
                "AGENTFORGE_AUDIT_HTTP", "FALSE", "AGENTFORGE_AUDIT_RETENTION", "forever",
                "AGENTFORGE_AUDIT_HMAC_KEY", "k".repeat(32), "AGENTFORGE_AUDIT_MAX_FILE_BYTES", "1000",
                "AGENTFORGE_AUDIT_FSYNC", "on-rotation", "AGENTFORGE_AUDIT_TOOL_ARGUMENTS", "redacted"));

        assertThat(settings.enabled()).isFalse();
        assertThat(settings.anchorFile()).isEqualTo(directory.resolve("anchor.json"));
        assertThat(settings.httpEnabled()).isFalse();
        assertThat(settings.retention()).isNull();
        assertThat(settings.maxFileBytes()).isEqualTo(1000);
        assertThat(settings.fsync()).isEqualTo(JsonLinesAuditStore.FsyncPolicy.ON_ROTATION);
        assertThat(settings.toolArguments()).isEqualTo(AuditLog.ToolArguments.REDACTED);
        assertThat(settings.toString()).contains("hmacKey=(set)").doesNotContain("kkkk");
    }

    @Test
    void rejectsInvalidValues() {
        Map<String, String> cases = Map.of(
                "AGENTFORGE_AUDIT_HTTP", "maybe",
                "AGENTFORGE_AUDIT_RETENTION", "-PT1S",
                "AGENTFORGE_AUDIT_HMAC_KEY", "short",
                "AGENTFORGE_AUDIT_MAX_FILE_BYTES", "0",
                "AGENTFORGE_AUDIT_FSYNC", "sometimes",
                "AGENTFORGE_AUDIT_TOOL_ARGUMENTS", "raw");
        cases.forEach((name, value) -> assertThatThrownBy(() -> AuditSettings.fromEnvironment(Map.of(name, value)))
                .as(name).isInstanceOf(ConfigException.class).hasMessageContaining("Invalid " + name));
    }

    @Test
    void opensLogInDirectory() {
        AuditSettings settings = AuditSettings.fromEnvironment(Map.of("AGENTFORGE_AUDIT_DIR", directory.toString(),
                "AGENTFORGE_AUDIT_HMAC_KEY", "k".repeat(32)));

        try (AuditLog log = settings.openLog()) {
            log.recordAdmin("ops", "admin.test", null, dev.agentforge.monitor.audit.AuditOutcome.SUCCESS, null);

            assertThat(log.verify().valid()).isTrue();
            assertThat(log.hasher().algorithm()).isEqualTo("HMAC-SHA-256");
            assertThat(directory.resolve("anchor.json")).exists();
        }
    }

    @Test
    void unwritableDirectoryNamesVariable() throws Exception {
        Path file = directory.resolve("a-file");
        java.nio.file.Files.writeString(file, "x");
        AuditSettings settings = AuditSettings.fromEnvironment(Map.of("AGENTFORGE_AUDIT_DIR", file.toString()));

        assertThatThrownBy(settings::openLog).isInstanceOf(ConfigException.class)
                .hasMessageContaining("AGENTFORGE_AUDIT_DIR");
    }
}
