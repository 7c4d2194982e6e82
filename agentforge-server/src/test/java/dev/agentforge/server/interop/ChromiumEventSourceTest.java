package dev.agentforge.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentforge.agent.AgentRun;
import dev.agentforge.agent.RunRequest;
import dev.agentforge.server.AgentServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Watches a run with a real browser's EventSource: Debian's Chromium, driven by Debian's
 * chromedriver through Selenium, loads a page from the proxy's origin that records each event. The
 * test severs the connection while the run waits in a tool. The browser must reconnect by itself,
 * receive every event exactly once, and stop after the server's 204 that follows the terminal event.
 * Selenium Manager never runs, because both the browser and the driver paths are given.
 */
class ChromiumEventSourceTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String PAGE = """
            <!doctype html>
            <meta charset="utf-8">
            <title>EventSource interop</title>
            <script>
              window.recorded = {opens: 0, errors: [], events: [], closed: false};
              const run = new URLSearchParams(location.search).get("run");
              const source = new EventSource("/v1/runs/" + encodeURIComponent(run) + "/events");
              const types = ["run_started", "token", "thought", "action", "observation", "progress", "done",
                "cancelled", "waiting_input"];
              const record = (event) => window.recorded.events.push(
                {type: event.type, lastEventId: event.lastEventId, data: JSON.parse(event.data)});
              for (const type of types) source.addEventListener(type, record);
              source.onopen = () => window.recorded.opens++;
              source.addEventListener("error", (event) => {
                if (event.data !== undefined) { record(event); return; }
                window.recorded.errors.push(source.readyState);
                if (source.readyState === EventSource.CLOSED) window.recorded.closed = true;
              });
            </script>
            """;

    private final InteropAgents agents = new InteropAgents();
    private AgentServer server;
    private CuttingProxy proxy;
    private ChromeDriver browser;
    private Path profile;

    @BeforeEach
    void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            NodeScripts.skipOrFail("The browser interop test needs Debian's " + CHROMIUM + " and " + CHROMEDRIVER
                    + "; install them with 'apt-get update && apt-get install -y chromium chromium-driver'");
        }
        server = AgentServer.create(agents.agent()).port(0).sseRetry(Duration.ofMillis(300)).start();
        proxy = CuttingProxy.start(server.port());
        proxy.servePage("/interop/eventsource.html", PAGE);
        profile = Files.createTempDirectory("agentforge-chromium-");
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() throws Exception {
        agents.openGate();
        if (browser != null) {
            browser.quit();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.stop();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void browserEventSourceResumesAfterCut() throws Exception {
        AgentRun run = server.runRegistry().start(agents.agent(), RunRequest.of("a gated run"));
        browser.get(proxy.url() + "/interop/eventsource.html?run=" + run.id());

        await().atMost(TIMEOUT).until(() -> recordedTypes().contains("action"));
        assertThat(agents.gateReached.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(proxy.severAll()).as("sockets severed").isPositive();
        agents.openGate();

        await().atMost(TIMEOUT).until(() -> recorded().path("closed").asBoolean());
        JsonNode recorded = recorded();
        assertThat(recorded.path("opens").asInt()).as("connections opened; %s", recorded).isGreaterThanOrEqualTo(2);
        List<JsonNode> events = new ArrayList<>();
        recorded.path("events").forEach(events::add);
        ObservedEvents.assertExactlyOnce(run, events);
    }

    private JsonNode recorded() {
        Object json = ((JavascriptExecutor) browser).executeScript("return JSON.stringify(window.recorded || {})");
        return JSON.readTree((String) json);
    }

    private List<String> recordedTypes() {
        List<String> types = new ArrayList<>();
        recorded().path("events").forEach(event -> types.add(event.path("type").asString()));
        return types;
    }
}
