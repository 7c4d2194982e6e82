package dev.agentforge.examples.health;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentforge.agent.Agent;
import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptedChatModel;
import dev.agentforge.jdbc.DataSources;
import dev.agentforge.jdbc.DatabaseHealthCheck;
import dev.agentforge.jdbc.JdbcPoolSettings;
import dev.agentforge.monitor.BreakerHealthCheck;
import dev.agentforge.monitor.HealthCheck;
import dev.agentforge.monitor.HealthRegistry;
import dev.agentforge.resilience.CircuitBreakers;
import dev.agentforge.server.AgentServer;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Health checks in an {@link AgentServer} on 127.0.0.1: a database check through a HikariCP pool
 * over embedded H2, a check of a slow dependency that never answers within its 1 s timeout, and the
 * circuit breaker of a search tool that opens and turns its dependency DEGRADED. Prints the responses
 * of {@code /health/live}, {@code /health/ready} and {@code /health}.
 */
public final class HealthChecksExample {

    /** The timeout of the slow check, short so that the example ends quickly. */
    static final Duration SLOW_TIMEOUT = Duration.ofSeconds(1);

    private HealthChecksExample() {
    }

    /** One response of a health route. */
    public record Probe(String path, int status, String body) {
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Starts the server, probes the three health routes, prints each response, and returns them in order. */
    public static List<Probe> run(PrintStream out) throws Exception {
        CountDownLatch slowDependency = new CountDownLatch(1);
        CircuitBreakers breakers = CircuitBreakers.create();
        JdbcPoolSettings settings = JdbcPoolSettings.builder(
                        "jdbc:h2:mem:health_" + UUID.randomUUID().toString().replace("-", ""))
                .user("sa")
                .poolName("example-db")
                .maxPoolSize(2)
                .build();
        HealthRegistry health = new HealthRegistry();
        List<Probe> probes = new ArrayList<>();
        try (HikariDataSource dataSource = DataSources.create(settings);
                BreakerHealthCheck breakerCheck = BreakerHealthCheck.nonModel(breakers)) {
            health.register(HealthCheck.fromContributor("database", Duration.ofSeconds(2),
                    new DatabaseHealthCheck(dataSource)));
            health.register(HealthCheck.of("pricing-api", SLOW_TIMEOUT, () -> {
                // Stands for a dependency that hangs: it waits until the example ends.
                slowDependency.await(30, TimeUnit.SECONDS);
                return HealthCheck.Result.up();
            }));
            health.register(breakerCheck, HealthRegistry.Policy.LOCAL);
            breakers.forTool("search");

            AgentServer server = AgentServer.create(agent()).port(0).health(health).start();
            try {
                HttpClient client = HttpClient.newHttpClient();
                probes.add(probe(client, server, "/health/live", out));
                probes.add(probe(client, server, "/health/ready", out));
                breakers.forTool("search").transitionToOpenState();
                out.println("Opened the circuit breaker tool:search");
                probes.add(probe(client, server, "/health", out));
            } finally {
                server.stop();
            }
        } finally {
            slowDependency.countDown();
        }
        return probes;
    }

    private static Probe probe(HttpClient client, AgentServer server, String path, PrintStream out) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        out.println("GET " + path + " -> " + response.statusCode());
        out.println(response.body());
        return new Probe(path, response.statusCode(), response.body());
    }

    private static Agent agent() {
        return Agent.builder()
                .model(ScriptedChatModel.builder().fallback(turn -> ScriptStep.answer("Hello")).build())
                .modelName("scripted")
                .build();
    }
}
