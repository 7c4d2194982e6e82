package dev.agentforge.server.config;

import dev.agentforge.agent.Agent;
import dev.agentforge.agent.RunRegistry;
import dev.agentforge.monitor.HealthRegistry;
import dev.agentforge.resource.LeakDetector;
import dev.agentforge.resource.MemoryMonitor;
import dev.agentforge.server.AgentServer;
import dev.agentforge.server.audit.AuditSettings;
import dev.agentforge.server.monitor.ServerTelemetry;
import dev.agentforge.server.transport.TransportSettings;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The settings of a server, read from environment variables. Every variable is optional, and a
 * blank value counts as unset. docs/configuration.md lists each variable with its default.
 *
 * @param host the address to bind to ({@code AGENTFORGE_HOST})
 * @param port the port to listen on, 0 for any free port ({@code PORT})
 * @param model which model serves the agent ({@code AGENTFORGE_MODEL})
 * @param openAiApiKey the OpenAI API key, or null ({@code OPENAI_API_KEY})
 * @param openAiBaseUrl the base URL of the OpenAI-compatible API ({@code OPENAI_BASE_URL})
 * @param anthropicApiKey the Anthropic API key, or null ({@code ANTHROPIC_API_KEY})
 * @param anthropicBaseUrl the base URL of the Anthropic API ({@code ANTHROPIC_BASE_URL})
 * @param maxBodyBytes the largest request body accepted, in bytes ({@code AGENTFORGE_MAX_BODY_BYTES})
 * @param maxSteps how many model turns of a run may call tools ({@code AGENTFORGE_MAX_STEPS})
 * @param maxActiveRuns how many runs may work at once ({@code AGENTFORGE_MAX_ACTIVE_RUNS})
 * @param runRetention how long a finished run stays readable ({@code AGENTFORGE_RUN_RETENTION})
 * @param sseHeartbeat how long an SSE stream may be idle before a keep-alive comment
 *     ({@code AGENTFORGE_SSE_HEARTBEAT})
 * @param databaseUrl the JDBC URL of the demo database, or null for an embedded H2 database
 *     ({@code AGENTFORGE_DATABASE_URL})
 * @param databaseUser the database user, or null ({@code AGENTFORGE_DATABASE_USER})
 * @param databasePassword the database password, or null ({@code AGENTFORGE_DATABASE_PASSWORD})
 * @param memorySoftLimit the share of the maximum heap above which cleanup runs
 *     ({@code AGENTFORGE_MEMORY_SOFT_LIMIT})
 * @param memoryHardLimit the share of the maximum heap above which new runs are rejected
 *     ({@code AGENTFORGE_MEMORY_HARD_LIMIT})
 * @param leakThreshold how long a run or SSE stream may stay open before it is reported as a possible
 *     leak ({@code AGENTFORGE_LEAK_THRESHOLD})
 * @param healthMaxAge how long a health check result is reused ({@code AGENTFORGE_HEALTH_MAX_AGE})
 * @param healthFailureThreshold how many failed runs in a row of a health check make the service not
 *     ready once the check has passed ({@code AGENTFORGE_HEALTH_FAILURE_THRESHOLD})
 * @param otelExport where spans go: {@code off} or {@code otlp} ({@code AGENTFORGE_OTEL_EXPORT})
 * @param otlpEndpoint the base URL of the OTLP/HTTP collector ({@code OTEL_EXPORTER_OTLP_ENDPOINT})
 * @param otelServiceName the {@code service.name} of the spans ({@code OTEL_SERVICE_NAME})
 * @param audit the audit log settings ({@code AGENTFORGE_AUDIT_*}), which docs/audit.md lists
 * @param transport the limits of SSE streams and WebSocket connections ({@code AGENTFORGE_SSE_*},
 *     {@code AGENTFORGE_STREAM_*} and {@code AGENTFORGE_WS_*})
 * @param shutdownGrace how long runs in flight may work on in a graceful shutdown before they are
 *     cancelled ({@code AGENTFORGE_SHUTDOWN_GRACE})
 */
public record ServerConfig(String host, int port, ModelSpec model, String openAiApiKey, String openAiBaseUrl,
        String anthropicApiKey, String anthropicBaseUrl, long maxBodyBytes, int maxSteps, int maxActiveRuns,
        Duration runRetention, Duration sseHeartbeat, String databaseUrl, String databaseUser,
        String databasePassword, double memorySoftLimit, double memoryHardLimit, Duration leakThreshold,
        Duration healthMaxAge, int healthFailureThreshold, String otelExport, String otlpEndpoint,
        String otelServiceName,
        AuditSettings audit, TransportSettings transport, Duration shutdownGrace) {

    public static final String HOST = "AGENTFORGE_HOST";
    public static final String PORT = "PORT";
    public static final String MODEL = "AGENTFORGE_MODEL";
    public static final String OPENAI_API_KEY = "OPENAI_API_KEY";
    public static final String OPENAI_BASE_URL = "OPENAI_BASE_URL";
    public static final String ANTHROPIC_API_KEY = "ANTHROPIC_API_KEY";
    public static final String ANTHROPIC_BASE_URL = "ANTHROPIC_BASE_URL";
    public static final String MAX_BODY_BYTES = "AGENTFORGE_MAX_BODY_BYTES";
    public static final String MAX_STEPS = "AGENTFORGE_MAX_STEPS";
    public static final String MAX_ACTIVE_RUNS = "AGENTFORGE_MAX_ACTIVE_RUNS";
    public static final String RUN_RETENTION = "AGENTFORGE_RUN_RETENTION";
    public static final String SSE_HEARTBEAT = "AGENTFORGE_SSE_HEARTBEAT";
    public static final String DATABASE_URL = "AGENTFORGE_DATABASE_URL";
    public static final String DATABASE_USER = "AGENTFORGE_DATABASE_USER";
    public static final String DATABASE_PASSWORD = "AGENTFORGE_DATABASE_PASSWORD";
    public static final String MEMORY_SOFT_LIMIT = "AGENTFORGE_MEMORY_SOFT_LIMIT";
    public static final String MEMORY_HARD_LIMIT = "AGENTFORGE_MEMORY_HARD_LIMIT";
    public static final String LEAK_THRESHOLD = "AGENTFORGE_LEAK_THRESHOLD";
    public static final String HEALTH_MAX_AGE = "AGENTFORGE_HEALTH_MAX_AGE";
    public static final String HEALTH_FAILURE_THRESHOLD = "AGENTFORGE_HEALTH_FAILURE_THRESHOLD";
    public static final String OTEL_EXPORT = "AGENTFORGE_OTEL_EXPORT";
    public static final String OTLP_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public static final String OTEL_SERVICE_NAME = "OTEL_SERVICE_NAME";
    public static final String SHUTDOWN_GRACE = "AGENTFORGE_SHUTDOWN_GRACE";

    /** The {@code AGENTFORGE_OTEL_EXPORT} value that records no spans, the default. */
    public static final String OTEL_EXPORT_OFF = "off";

    /** The {@code AGENTFORGE_OTEL_EXPORT} value that exports spans over OTLP/HTTP. */
    public static final String OTEL_EXPORT_OTLP = "otlp";

    /** How long a run or SSE stream may stay open before it is reported, when no threshold is set. */
    public static final Duration DEFAULT_LEAK_THRESHOLD = Duration.ofMinutes(10);

    /** The OpenAI API's base URL when {@code OPENAI_BASE_URL} is unset. */
    public static final String DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

    /** The Anthropic API's base URL when {@code ANTHROPIC_BASE_URL} is unset. */
    public static final String DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com/v1/";

    /** The host of the OpenAI API, which requires {@code OPENAI_API_KEY}. */
    static final String OPENAI_API_HOST = "api.openai.com";

    /** The forms of {@code AGENTFORGE_DATABASE_URL} whose JDBC drivers the demo includes. */
    static final String DATABASE_URL_FORMS = "jdbc:h2:... (for example jdbc:h2:mem:shop) or"
            + " jdbc:postgresql://host:port/database (for example jdbc:postgresql://127.0.0.1:5432/shop)";

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(runRetention, "runRetention");
        Objects.requireNonNull(sseHeartbeat, "sseHeartbeat");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (memorySoftLimit > memoryHardLimit) {
            throw new ConfigException("Invalid " + MEMORY_SOFT_LIMIT + " " + memorySoftLimit + ": it must not be above "
                    + MEMORY_HARD_LIMIT + " " + memoryHardLimit + "; lower the soft limit or raise the hard limit");
        }
    }

    /**
     * The model setting: {@code scripted}, {@code openai:<model>} or {@code anthropic:<model>}.
     *
     * @param provider {@code scripted}, {@code openai} or {@code anthropic}
     * @param name the provider's model name, or null for the scripted model
     */
    public record ModelSpec(String provider, String name) {

        public static final String SCRIPTED = "scripted";
        public static final String OPENAI = "openai";
        public static final String ANTHROPIC = "anthropic";

        static final String ACCEPTED_FORMS = "'scripted', 'openai:<model>' (for example openai:gpt-4o-mini) "
                + "or 'anthropic:<model>' (for example anthropic:claude-sonnet-4-5)";

        /**
         * Parses a model setting.
         *
         * @throws ConfigException if the text has none of the accepted forms
         */
        public static ModelSpec parse(String text) {
            String value = text.strip();
            if (value.equals(SCRIPTED)) {
                return new ModelSpec(SCRIPTED, null);
            }
            int colon = value.indexOf(':');
            String provider = colon < 0 ? value : value.substring(0, colon);
            String name = colon < 0 ? "" : value.substring(colon + 1).strip();
            if (!provider.equals(OPENAI) && !provider.equals(ANTHROPIC)) {
                throw new ConfigException("Invalid " + MODEL + " '" + text + "': unknown model provider '" + provider
                        + "'; use " + ACCEPTED_FORMS);
            }
            if (name.isEmpty()) {
                throw new ConfigException("Invalid " + MODEL + " '" + text + "': no model name after '" + provider
                        + ":'; use " + ACCEPTED_FORMS);
            }
            return new ModelSpec(provider, name);
        }

        /** Returns whether this is the offline scripted model. */
        public boolean scripted() {
            return provider.equals(SCRIPTED);
        }

        /** Returns the label sent in {@code run_started}: {@code scripted} or {@code provider:model}. */
        public String label() {
            return scripted() ? SCRIPTED : provider + ":" + name;
        }
    }

    /**
     * Reads every setting from the given environment variables.
     *
     * @param env the variables, such as {@code System.getenv()}, or a map that a test builds
     * @throws ConfigException naming the variable, its value and the expected form, for the first
     *     invalid setting
     */
    public static ServerConfig fromEnvironment(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        return new ServerConfig(
                reader.host(HOST, AgentServer.DEFAULT_HOST),
                reader.integer(PORT, AgentServer.DEFAULT_PORT, 0, 65_535),
                ModelSpec.parse(reader.text(MODEL, ModelSpec.SCRIPTED)),
                reader.text(OPENAI_API_KEY, null),
                reader.url(OPENAI_BASE_URL, DEFAULT_OPENAI_BASE_URL),
                reader.text(ANTHROPIC_API_KEY, null),
                reader.url(ANTHROPIC_BASE_URL, DEFAULT_ANTHROPIC_BASE_URL),
                reader.longInteger(MAX_BODY_BYTES, AgentServer.DEFAULT_MAX_BODY_BYTES, 1, Long.MAX_VALUE),
                reader.integer(MAX_STEPS, Agent.DEFAULT_MAX_STEPS, 1, Integer.MAX_VALUE),
                reader.integer(MAX_ACTIVE_RUNS, RunRegistry.DEFAULT_MAX_ACTIVE_RUNS, 1, Integer.MAX_VALUE),
                reader.duration(RUN_RETENTION, RunRegistry.DEFAULT_RETENTION, true),
                reader.duration(SSE_HEARTBEAT, AgentServer.DEFAULT_HEARTBEAT, false),
                reader.databaseUrl(DATABASE_URL),
                reader.text(DATABASE_USER, null),
                reader.text(DATABASE_PASSWORD, null),
                reader.fraction(MEMORY_SOFT_LIMIT, MemoryMonitor.DEFAULT_SOFT_LIMIT),
                reader.fraction(MEMORY_HARD_LIMIT, MemoryMonitor.DEFAULT_HARD_LIMIT),
                reader.duration(LEAK_THRESHOLD, DEFAULT_LEAK_THRESHOLD, false),
                reader.duration(HEALTH_MAX_AGE, HealthRegistry.DEFAULT_MAX_AGE, true),
                reader.integer(HEALTH_FAILURE_THRESHOLD, HealthRegistry.DEFAULT_FAILURE_THRESHOLD, 1, 1000),
                reader.otelExport(OTEL_EXPORT),
                reader.url(OTLP_ENDPOINT, ServerTelemetry.DEFAULT_OTLP_ENDPOINT),
                reader.text(OTEL_SERVICE_NAME, ServerTelemetry.DEFAULT_SERVICE_NAME),
                AuditSettings.fromEnvironment(env),
                TransportSettings.fromEnvironment(env),
                reader.duration(SHUTDOWN_GRACE, AgentServer.DEFAULT_SHUTDOWN_GRACE, true));
    }

    /**
     * Returns whether {@code openai:<model>} needs {@code OPENAI_API_KEY}: only when
     * {@code OPENAI_BASE_URL} points at the OpenAI API itself. Other OpenAI-compatible servers, such
     * as a local Ollama, get requests without an {@code Authorization} header when no key is set.
     */
    public boolean openAiApiKeyRequired() {
        return OPENAI_API_HOST.equalsIgnoreCase(URI.create(openAiBaseUrl).getHost());
    }

    /**
     * Applies the server settings to a server builder: host, port, body limit, heartbeat, the stream and
     * WebSocket limits, the shutdown grace period, the limit of
     * active runs that readiness reports on, a health registry with this configuration's max age and
     * failure threshold, span export when {@code AGENTFORGE_OTEL_EXPORT=otlp}, a memory monitor with
     * this configuration's limits, and a leak detector for runs and SSE streams.
     */
    public AgentServer.Builder applyTo(AgentServer.Builder builder) {
        ServerTelemetry telemetry = newTelemetry();
        if (telemetry.enabled()) {
            builder.telemetry(telemetry);
        }
        return builder.host(host).port(port).maxBodyBytes(maxBodyBytes).heartbeat(sseHeartbeat).transport(transport)
                .shutdownGrace(shutdownGrace)
                .maxActiveRuns(maxActiveRuns)
                .health(newHealthRegistry())
                .memory(newMemoryMonitor())
                .leakDetector(LeakDetector.builder("server").threshold(leakThreshold).build());
    }

    /** Creates a health registry with this configuration's max age and failure threshold. */
    public HealthRegistry newHealthRegistry() {
        return new HealthRegistry(new HealthRegistry.Policy(healthFailureThreshold, healthMaxAge),
                java.time.Clock.systemUTC());
    }

    /**
     * Creates the telemetry that {@code AGENTFORGE_OTEL_EXPORT} selects: none for {@code off}, or an
     * OTLP/HTTP exporter to {@code OTEL_EXPORTER_OTLP_ENDPOINT}. Pass its {@code tracer()} to
     * {@code Agent.Builder.modelCallListener} to get model call spans too.
     */
    public ServerTelemetry newTelemetry() {
        return otelExport.equals(OTEL_EXPORT_OTLP)
                ? ServerTelemetry.otlp(otlpEndpoint, otelServiceName)
                : ServerTelemetry.off();
    }

    /** Creates a memory monitor with this configuration's soft and hard limits. */
    public MemoryMonitor newMemoryMonitor() {
        return MemoryMonitor.builder().softLimit(memorySoftLimit).hardLimit(memoryHardLimit).build();
    }

    /** Creates a run registry with this configuration's retention and limit of active runs. */
    public RunRegistry newRunRegistry() {
        return new RunRegistry(runRetention, maxActiveRuns, java.time.Clock.systemUTC());
    }

    // Keeps the API keys and the database password out of logs.
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", model=" + model.label()
                + ", openAiApiKey=" + mask(openAiApiKey) + ", openAiBaseUrl=" + openAiBaseUrl
                + ", anthropicApiKey=" + mask(anthropicApiKey) + ", anthropicBaseUrl=" + anthropicBaseUrl
                + ", maxBodyBytes=" + maxBodyBytes + ", maxSteps=" + maxSteps + ", maxActiveRuns=" + maxActiveRuns
                + ", runRetention=" + runRetention + ", sseHeartbeat=" + sseHeartbeat
                + ", databaseUrl=" + redactedDatabaseUrl() + ", databaseUser=" + databaseUser
                + ", databasePassword=" + mask(databasePassword) + ", memorySoftLimit=" + memorySoftLimit
                + ", memoryHardLimit=" + memoryHardLimit + ", leakThreshold=" + leakThreshold
                + ", healthMaxAge=" + healthMaxAge + ", healthFailureThreshold=" + healthFailureThreshold
                + ", otelExport=" + otelExport + ", otlpEndpoint=" + otlpEndpoint
                + ", otelServiceName=" + otelServiceName + ", audit=" + audit + ", transport=" + transport
                + ", shutdownGrace=" + shutdownGrace + "]";
    }

    private static String mask(String secret) {
        return secret == null ? "null" : "(set)";
    }

    /**
     * Returns the database URL for logs: without its parameters, which may carry a password after
     * {@code ?} (PostgreSQL) or {@code ;} (H2), or {@code null} when no URL is set.
     */
    public String redactedDatabaseUrl() {
        return redact(databaseUrl);
    }

    // Cuts a JDBC URL at its first '?' or ';', so that the parameters, which may carry a password, stay out.
    static String redact(String jdbcUrl) {
        if (jdbcUrl == null) {
            return null;
        }
        int end = jdbcUrl.length();
        for (char separator : new char[] {'?', ';'}) {
            int index = jdbcUrl.indexOf(separator);
            if (index >= 0) {
                end = Math.min(end, index);
            }
        }
        return end < jdbcUrl.length() ? jdbcUrl.substring(0, end) + "(parameters hidden)" : jdbcUrl;
    }

    /** Reads and validates single variables. Every error names the variable, the value and the form. */
    private record EnvReader(Map<String, String> env) {

        // An optional sign and digits: a number, so a failed parse means out of range, not malformed.
        private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?\\d+");

        String text(String name, String defaultValue) {
            String value = env.get(name);
            return value == null || value.isBlank() ? defaultValue : value.strip();
        }

        int integer(String name, int defaultValue, int min, int max) {
            return (int) longInteger(name, defaultValue, min, max);
        }

        long longInteger(String name, long defaultValue, long min, long max) {
            String value = text(name, null);
            if (value == null) {
                return defaultValue;
            }
            String form = "; expected a whole number from " + min + " to " + max;
            if (!WHOLE_NUMBER.matcher(value).matches()) {
                throw new ConfigException("Invalid " + name + " '" + value + "': not a whole number" + form);
            }
            long parsed;
            try {
                parsed = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid " + name + " '" + value + "': out of range" + form);
            }
            if (parsed < min || parsed > max) {
                throw new ConfigException("Invalid " + name + " '" + value + "': out of range" + form);
            }
            return parsed;
        }

        // Accepts an ISO-8601 duration such as PT15S, or a whole number of seconds.
        Duration duration(String name, Duration defaultValue, boolean zeroAllowed) {
            String value = text(name, null);
            if (value == null) {
                return defaultValue;
            }
            String form = "; expected an ISO-8601 duration such as PT15S or PT0.5S, or a whole number of seconds"
                    + (zeroAllowed ? " (0 or more)" : " (more than 0)");
            String outOfRange = "Invalid " + name + " '" + value + "': out of range" + form;
            Duration parsed;
            if (WHOLE_NUMBER.matcher(value).matches()) {
                try {
                    parsed = Duration.ofSeconds(Long.parseLong(value));
                } catch (NumberFormatException e) {
                    throw new ConfigException(outOfRange);
                }
            } else {
                try {
                    parsed = Duration.parse(value);
                } catch (DateTimeParseException | ArithmeticException e) {
                    throw new ConfigException("Invalid " + name + " '" + value + "': not a duration" + form);
                }
            }
            if (parsed.isNegative() || (!zeroAllowed && parsed.isZero())) {
                throw new ConfigException(outOfRange);
            }
            return parsed;
        }

        // Accepts a fraction such as 0.9 or a percentage such as 90%.
        double fraction(String name, double defaultValue) {
            String value = text(name, null);
            if (value == null) {
                return defaultValue;
            }
            String form = "; expected a share of the maximum heap above 0 and at most 1, such as 0.9, or a percentage such as 90%";
            double parsed;
            try {
                parsed = value.endsWith("%")
                        ? Double.parseDouble(value.substring(0, value.length() - 1).strip()) / 100
                        : Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid " + name + " '" + value + "': not a number" + form);
            }
            if (!(parsed > 0 && parsed <= 1)) {
                throw new ConfigException("Invalid " + name + " '" + value + "': out of range" + form);
            }
            return parsed;
        }

        String otelExport(String name) {
            String value = text(name, OTEL_EXPORT_OFF).toLowerCase(Locale.ROOT);
            if (!value.equals(OTEL_EXPORT_OFF) && !value.equals(OTEL_EXPORT_OTLP)) {
                throw new ConfigException("Invalid " + name + " '" + env.get(name) + "': expected '" + OTEL_EXPORT_OFF
                        + "' (no spans, the default) or '" + OTEL_EXPORT_OTLP + "' (export spans over OTLP/HTTP to "
                        + OTLP_ENDPOINT + ")");
            }
            return value;
        }

        String url(String name, String defaultValue) {
            String value = text(name, null);
            if (value == null) {
                return defaultValue;
            }
            String form = "; expected an absolute http or https URL such as " + defaultValue;
            try {
                URI uri = new URI(value);
                String scheme = uri.getScheme();
                if (scheme == null || uri.getHost() == null
                        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                    throw new ConfigException("Invalid " + name + " '" + value + "': not an absolute http(s) URL" + form);
                }
                // URI accepts any number of digits as a port, so the TCP range is checked here.
                if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65_535)) {
                    throw new ConfigException("Invalid " + name + " '" + value + "': port " + uri.getPort()
                            + " is out of range; use a port from 1 to 65535" + form);
                }
            } catch (URISyntaxException e) {
                throw new ConfigException("Invalid " + name + " '" + value + "': " + e.getReason() + form);
            }
            return value;
        }

        // Resolves the address now, so that a host name that does not resolve fails at startup, naming
        // the variable.
        String host(String name, String defaultValue) {
            String value = text(name, defaultValue);
            try {
                InetAddress.getByName(value);
            } catch (UnknownHostException e) {
                throw new ConfigException("Invalid " + name + " '" + value + "': the host name does not resolve to"
                        + " an address (" + e.getMessage() + "); set " + name + " to an address of this machine,"
                        + " such as 127.0.0.1 for local connections only or 0.0.0.0 for every interface", e);
            }
            return value;
        }

        // Accepts the URL forms of the JDBC drivers the demo includes. Errors show the URL without its parameters.
        String databaseUrl(String name) {
            String value = text(name, null);
            if (value == null || value.startsWith("jdbc:h2:") || value.startsWith("jdbc:postgresql:")) {
                return value;
            }
            throw new ConfigException("Invalid " + name + " '" + redact(value) + "': not a JDBC URL of a supported"
                    + " database; use " + DATABASE_URL_FORMS + ", or unset " + name
                    + " for the embedded in-memory H2 database");
        }
    }
}
