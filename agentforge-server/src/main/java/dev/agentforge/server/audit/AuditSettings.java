package dev.agentforge.server.audit;

import dev.agentforge.monitor.audit.AuditLog;
import dev.agentforge.monitor.audit.AuditStoreException;
import dev.agentforge.monitor.audit.ChainHasher;
import dev.agentforge.monitor.audit.FileAnchorStore;
import dev.agentforge.monitor.audit.JsonLinesAuditStore;
import dev.agentforge.server.AgentServer;
import dev.agentforge.server.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * The audit settings of a server, read from environment variables; docs/configuration.md and
 * docs/audit.md list them. The log is a {@link JsonLinesAuditStore} in {@code directory} with a
 * {@link FileAnchorStore} at {@code anchorFile}.
 *
 * @param enabled whether the server keeps an audit log ({@code AGENTFORGE_AUDIT_ENABLED})
 * @param directory the directory of the record files ({@code AGENTFORGE_AUDIT_DIR})
 * @param anchorFile the anchor file ({@code AGENTFORGE_AUDIT_ANCHOR_FILE})
 * @param httpEnabled whether {@code GET /v1/audit} and {@code GET /v1/audit/verify} are served
 *     ({@code AGENTFORGE_AUDIT_HTTP})
 * @param retention how long records are kept, or null to keep them forever ({@code AGENTFORGE_AUDIT_RETENTION})
 * @param hmacKey the key of the HMAC-SHA-256 chain, or null for plain SHA-256 ({@code AGENTFORGE_AUDIT_HMAC_KEY})
 * @param maxFileBytes the size at which a new record file starts ({@code AGENTFORGE_AUDIT_MAX_FILE_BYTES})
 * @param fsync when records are forced to the disk ({@code AGENTFORGE_AUDIT_FSYNC})
 * @param toolArguments what tool call records keep of the arguments ({@code AGENTFORGE_AUDIT_TOOL_ARGUMENTS})
 */
public record AuditSettings(boolean enabled, Path directory, Path anchorFile, boolean httpEnabled, Duration retention,
        String hmacKey, long maxFileBytes, JsonLinesAuditStore.FsyncPolicy fsync,
        AuditLog.ToolArguments toolArguments) {

    public static final String ENABLED = "AGENTFORGE_AUDIT_ENABLED";
    public static final String DIR = "AGENTFORGE_AUDIT_DIR";
    public static final String ANCHOR_FILE = "AGENTFORGE_AUDIT_ANCHOR_FILE";
    public static final String HTTP = "AGENTFORGE_AUDIT_HTTP";
    public static final String RETENTION = "AGENTFORGE_AUDIT_RETENTION";
    public static final String HMAC_KEY = "AGENTFORGE_AUDIT_HMAC_KEY";
    public static final String MAX_FILE_BYTES = "AGENTFORGE_AUDIT_MAX_FILE_BYTES";
    public static final String FSYNC = "AGENTFORGE_AUDIT_FSYNC";
    public static final String TOOL_ARGUMENTS = "AGENTFORGE_AUDIT_TOOL_ARGUMENTS";

    /** The record directory when none is set: {@code audit} under the working directory. */
    public static final String DEFAULT_DIR = "audit";

    /** The retention when none is set: 90 days. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);

    /** How often expired records are purged while the server runs. */
    public static final Duration PURGE_INTERVAL = Duration.ofHours(1);

    /**
     * Reads the audit settings.
     *
     * @throws ConfigException naming the variable, its value and the expected form, for the first invalid setting
     */
    public static AuditSettings fromEnvironment(Map<String, String> env) {
        boolean enabled = bool(env, ENABLED, true);
        Path directory = path(env, DIR, DEFAULT_DIR);
        Path anchorFile = path(env, ANCHOR_FILE, directory.resolve("anchor.json").toString());
        String key = text(env, HMAC_KEY);
        if (key != null && key.getBytes(StandardCharsets.UTF_8).length < ChainHasher.MIN_KEY_BYTES) {
            throw new ConfigException("Invalid " + HMAC_KEY + ": it has " + key.getBytes(StandardCharsets.UTF_8).length
                    + " bytes, fewer than " + ChainHasher.MIN_KEY_BYTES + "; use a random key of at least "
                    + ChainHasher.MIN_KEY_BYTES + " characters, such as the output of 'openssl rand -hex 32'");
        }
        return new AuditSettings(enabled, directory, anchorFile, bool(env, HTTP, true), retention(env), key,
                maxFileBytes(env), fsync(env), toolArguments(env));
    }

    /**
     * Opens the audit log these settings describe, with a purge of expired records every hour.
     *
     * @throws ConfigException if the directory cannot be created or written
     */
    public AuditLog openLog() {
        try {
            JsonLinesAuditStore store = JsonLinesAuditStore.builder(directory).maxFileBytes(maxFileBytes).fsync(fsync)
                    .build();
            AuditLog.Builder builder = AuditLog.builder(store)
                    .anchorStore(new FileAnchorStore(anchorFile))
                    .hasher(hmacKey == null ? ChainHasher.sha256()
                            : ChainHasher.hmacSha256(hmacKey.getBytes(StandardCharsets.UTF_8)))
                    .toolArguments(toolArguments)
                    .retention(retention);
            if (retention != null) {
                builder.purgeInterval(PURGE_INTERVAL);
            }
            return builder.build();
        } catch (AuditStoreException e) {
            throw new ConfigException("Cannot open the audit log in " + DIR + "=" + directory + ": " + e.getMessage()
                    + "; set " + DIR + " to a writable directory, or " + ENABLED + "=false to run without an audit log",
                    e);
        }
    }

    /** Opens the audit log and gives it to the server builder, unless auditing is off. */
    public AgentServer.Builder applyTo(AgentServer.Builder builder) {
        if (!enabled) {
            return builder;
        }
        return builder.audit(openLog()).auditHttp(httpEnabled);
    }

    // Keeps the HMAC key out of logs.
    @Override
    public String toString() {
        return "AuditSettings[enabled=" + enabled + ", directory=" + directory + ", anchorFile=" + anchorFile
                + ", httpEnabled=" + httpEnabled + ", retention=" + retention + ", hmacKey="
                + (hmacKey == null ? "null" : "(set)") + ", maxFileBytes=" + maxFileBytes + ", fsync=" + fsync
                + ", toolArguments=" + toolArguments + "]";
    }

    private static String text(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static boolean bool(Map<String, String> env, String name, boolean defaultValue) {
        String value = text(env, name);
        if (value == null) {
            return defaultValue;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException("Invalid " + name + " '" + value + "': expected true or false");
        };
    }

    private static Path path(Map<String, String> env, String name, String defaultValue) {
        String value = text(env, name);
        try {
            return Path.of(value == null ? defaultValue : value);
        } catch (InvalidPathException e) {
            throw new ConfigException("Invalid " + name + " '" + value + "': not a valid path (" + e.getReason() + ")",
                    e);
        }
    }

    private static Duration retention(Map<String, String> env) {
        String value = text(env, RETENTION);
        if (value == null) {
            return DEFAULT_RETENTION;
        }
        if (value.equalsIgnoreCase("forever")) {
            return null;
        }
        String form = "; expected an ISO-8601 duration such as P90D, a whole number of seconds above 0, or forever";
        Duration parsed;
        try {
            parsed = value.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(value)) : Duration.parse(value);
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            throw new ConfigException("Invalid " + RETENTION + " '" + value + "': not a duration" + form);
        }
        if (parsed.isNegative() || parsed.isZero()) {
            throw new ConfigException("Invalid " + RETENTION + " '" + value + "': out of range" + form);
        }
        return parsed;
    }

    private static long maxFileBytes(Map<String, String> env) {
        String value = text(env, MAX_FILE_BYTES);
        if (value == null) {
            return JsonLinesAuditStore.DEFAULT_MAX_FILE_BYTES;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 1) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // Reported below with the expected form.
        }
        throw new ConfigException("Invalid " + MAX_FILE_BYTES + " '" + value + "': expected a whole number of bytes,"
                + " at least 1, such as 67108864 for 64 MiB");
    }

    private static JsonLinesAuditStore.FsyncPolicy fsync(Map<String, String> env) {
        String value = text(env, FSYNC);
        if (value == null) {
            return JsonLinesAuditStore.FsyncPolicy.EVERY_RECORD;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "every-record" -> JsonLinesAuditStore.FsyncPolicy.EVERY_RECORD;
            case "on-rotation" -> JsonLinesAuditStore.FsyncPolicy.ON_ROTATION;
            case "never" -> JsonLinesAuditStore.FsyncPolicy.NEVER;
            default -> throw new ConfigException("Invalid " + FSYNC + " '" + value
                    + "': expected every-record, on-rotation or never");
        };
    }

    private static AuditLog.ToolArguments toolArguments(Map<String, String> env) {
        String value = text(env, TOOL_ARGUMENTS);
        if (value == null) {
            return AuditLog.ToolArguments.DIGEST;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "digest" -> AuditLog.ToolArguments.DIGEST;
            case "redacted" -> AuditLog.ToolArguments.REDACTED;
            default -> throw new ConfigException("Invalid " + TOOL_ARGUMENTS + " '" + value
                    + "': expected digest or redacted");
        };
    }
}
