package dev.agentforge.examples.pooling;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentforge.jdbc.DataSources;
import dev.agentforge.jdbc.DatabaseHealthCheck;
import dev.agentforge.jdbc.JdbcPoolSettings;
import dev.agentforge.monitor.ReadinessContributor;
import dev.agentforge.monitor.ReadinessRegistry;
import dev.agentforge.resource.http.HttpClients;
import dev.agentforge.resource.http.UpstreamHealthCheck;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A pooled database and a pooled HTTP API side by side: a HikariCP pool over an embedded H2 database
 * with its metrics in a Micrometer registry, the shared JDK HTTP client calling a local API on
 * 127.0.0.1, and a readiness check of each in one {@link ReadinessRegistry}.
 */
public final class PoolingExample {

    private PoolingExample() {
    }

    public static void main(String[] args) throws Exception {
        ReadinessRegistry.Report report = run(System.out);
        System.out.println(report.ready() ? "Ready." : "Not ready.");
    }

    /** Uses both pools once, prints the readiness report and the pool metrics, and returns the report. */
    public static ReadinessRegistry.Report run(PrintStream out) throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        JdbcPoolSettings settings = JdbcPoolSettings.builder(
                        "jdbc:h2:mem:pooling_" + UUID.randomUUID().toString().replace("-", ""))
                .user("sa")
                .poolName("example-db")
                .maxPoolSize(4)
                .minIdle(2)
                .meterRegistry(metrics)
                .build();
        try (ExecutorService serverThreads = Executors.newVirtualThreadPerTaskExecutor();
                HikariDataSource dataSource = DataSources.create(settings)) {
            HttpServer api = startApi(serverThreads);
            try {
                URI base = URI.create("http://127.0.0.1:" + api.getAddress().getPort());
                out.println("Database says: " + queryGreeting(dataSource));
                out.println("API says: " + callApi(base.resolve("/price")));

                ReadinessRegistry readiness = new ReadinessRegistry();
                readiness.register("database", new DatabaseHealthCheck(dataSource, Duration.ofSeconds(2)));
                readiness.register("price-api", UpstreamHealthCheck.builder(base.resolve("/health"))
                        .timeout(Duration.ofSeconds(2))
                        .build());
                ReadinessRegistry.Report report = readiness.check();

                printReport(out, report);
                printMetrics(out, metrics);
                return report;
            } finally {
                api.stop(0);
            }
        }
    }

    // A local stand-in for an upstream API, on loopback and a free port.
    private static HttpServer startApi(ExecutorService executor) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/price", exchange -> {
            byte[] body = "{\"sku\":\"A-1\",\"price\":12.5}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String queryGreeting(HikariDataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT 'hello from H2'")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static String callApi(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClients.shared().send(HttpClients.newRequest(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static void printReport(PrintStream out, ReadinessRegistry.Report report) {
        out.println("Readiness: " + (report.ready() ? "UP" : "DOWN"));
        for (ReadinessContributor.Status status : report.statuses()) {
            out.println("  " + status.name() + ": " + (status.ready() ? "UP" : "DOWN") + " - " + status.reason());
        }
    }

    private static void printMetrics(PrintStream out, SimpleMeterRegistry metrics) {
        out.println("Pool metrics:");
        for (String name : new String[] {"hikaricp.connections", "hikaricp.connections.active",
                "hikaricp.connections.idle", "hikaricp.connections.max"}) {
            out.printf("  %s = %.0f%n", name, metrics.get(name).gauge().value());
        }
        out.printf("  hikaricp.connections.acquire count = %d%n",
                metrics.get("hikaricp.connections.acquire").timer().count());
    }
}
