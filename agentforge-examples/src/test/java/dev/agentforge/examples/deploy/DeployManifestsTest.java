package dev.agentforge.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.agentforge.examples.demo.DemoService;
import dev.agentforge.server.AgentServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks the docker-compose files and Kubernetes manifests under {@code deploy/} against the demo
 * service: they parse, their probe paths, ports and metrics path return 200 from a running demo, every
 * environment variable they set is documented, the security context is locked down, and the
 * termination grace periods cover the graceful shutdown. No Docker engine or cluster is needed; where
 * {@code kubectl} is on the PATH, the overlays are also rendered with its built-in Kustomize.
 */
class DeployManifestsTest {

    private static final Path ROOT = repositoryRoot();
    private static final Path DEPLOY = ROOT.resolve("deploy");
    private static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
    private static final Path BASE = KUBERNETES.resolve("base");
    private static final Path DOCKER = DEPLOY.resolve("docker");
    private static final List<String> OVERLAYS = List.of("development", "production");
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path auditDir;

    private static DemoService.Handle demo;
    private static HttpClient client;

    @BeforeAll
    static void startDemo() {
        demo = DemoService.start(Map.of("PORT", "0", "AGENTFORGE_AUDIT_DIR", auditDir.toString()));
        client = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    }

    @AfterAll
    static void stopDemo() {
        if (demo != null) {
            demo.stop();
        }
        if (client != null) {
            client.close();
        }
    }

    @Test
    void everyYamlFileParses() throws IOException {
        List<Path> files = yamlFiles();
        assertThat(files).as("YAML files under %s", DEPLOY).isNotEmpty();
        for (Path file : files) {
            List<Map<String, Object>> documents = load(file);
            assertThat(documents).as("documents in %s", file).isNotEmpty();
            for (Map<String, Object> document : documents) {
                if (file.startsWith(KUBERNETES)) {
                    assertThat(document).as("a Kubernetes object in %s", file).containsKeys("apiVersion", "kind");
                } else if (file.startsWith(DEPLOY.resolve("ci"))) {
                    assertThat(document).as("a CI pipeline %s", file).isNotEmpty();
                } else {
                    assertThat(document).as("a compose file %s", file).containsKey("services");
                }
            }
        }
    }

    @Test
    void kustomizationsReferenceExistingFiles() throws IOException {
        for (Path kustomization : kustomizations()) {
            Map<String, Object> document = single(kustomization);
            Path dir = kustomization.getParent();
            for (Object resource : list(document.get("resources"))) {
                Path target = dir.resolve((String) resource).normalize();
                boolean exists = Files.isDirectory(target) ? Files.exists(target.resolve("kustomization.yaml"))
                        : Files.exists(target);
                assertThat(exists).as("resource %s of %s", resource, kustomization).isTrue();
            }
            for (Object patch : list(document.get("patches"))) {
                Object path = map(patch).get("path");
                if (path != null) {
                    assertThat(dir.resolve((String) path)).as("patch of %s", kustomization).exists();
                }
            }
        }
    }

    @Test
    void probePathsAnswerOnDemo() throws Exception {
        Map<String, Object> container = baseContainer();
        int containerPort = containerPort(container, "http");
        assertThat(containerPort).as("the container port").isEqualTo(Integer.parseInt(baseConfig().get("PORT")));

        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<String, Object> httpGet = map(map(container.get(probe)).get("httpGet"));
            assertThat(resolvePort(container, httpGet.get("port"))).as("%s port", probe).isEqualTo(containerPort);
            String path = (String) httpGet.get("path");
            // Readiness waits for the demo's checks to pass once, as Kubernetes keeps probing until then.
            await(probe + " " + path + " answers 200").atMost(Duration.ofSeconds(30))
                    .until(() -> get(path).statusCode() == 200);
        }
        assertThat(map(map(container.get("livenessProbe")).get("httpGet")).get("path")).isEqualTo("/health/live");
        assertThat(map(map(container.get("readinessProbe")).get("httpGet")).get("path")).isEqualTo("/health/ready");
    }

    @Test
    void metricsAnnotationsMatchServedPath() throws Exception {
        Map<String, Object> annotations = map(map(template(baseDeployment()).get("metadata")).get("annotations"));
        assertThat(annotations.get("prometheus.io/scrape")).isEqualTo("true");
        assertThat(Integer.parseInt((String) annotations.get("prometheus.io/port")))
                .isEqualTo(containerPort(baseContainer(), "http"));

        HttpResponse<String> metrics = get((String) annotations.get("prometheus.io/path"));

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(metrics.body()).contains("# TYPE agentforge_runs_active");
    }

    @Test
    void composeHealthchecksAnswerOnDemo() throws Exception {
        for (Path file : composeFiles()) {
            Map<String, Object> service = agentforgeService(file);
            Map<String, Object> healthcheck = map(service.get("healthcheck"));
            if (healthcheck.isEmpty()) {
                continue;
            }
            String url = list(healthcheck.get("test")).stream().map(String::valueOf)
                    .filter(part -> part.startsWith("http://")).findFirst().orElseThrow();
            URI uri = URI.create(url);
            assertThat(uri.getHost()).as("the healthcheck runs inside the container").isEqualTo("127.0.0.1");
            assertThat(uri.getPort()).as("healthcheck port in %s", file)
                    .isEqualTo(Integer.parseInt(environment(service).get("PORT")));
            assertThat(get(uri.getPath()).statusCode()).as("%s in %s", uri.getPath(), file).isEqualTo(200);
        }
    }

    @Test
    void environmentVariablesAreDocumented() throws IOException {
        String configuration = Files.readString(ROOT.resolve("docs/configuration.md"));
        Set<String> names = new LinkedHashSet<>();
        for (Map<String, Object> document : kubernetesDocuments()) {
            String kind = (String) document.get("kind");
            if (kind.equals("ConfigMap")) {
                names.addAll(map(document.get("data")).keySet());
            } else if (kind.equals("Secret")) {
                names.addAll(map(document.get("stringData")).keySet());
                names.addAll(map(document.get("data")).keySet());
            } else if (kind.equals("Deployment")) {
                for (Object container : list(map(template(document).get("spec")).get("containers"))) {
                    for (Object variable : list(map(container).get("env"))) {
                        names.add((String) map(variable).get("name"));
                    }
                }
            }
        }
        for (Path file : composeFiles()) {
            names.addAll(environment(agentforgeService(file)).keySet());
        }
        assertThat(names).as("variables in the manifests").contains("AGENTFORGE_SHUTDOWN_GRACE", "PORT");
        for (String name : names) {
            assertThat(configuration).as("docs/configuration.md documents %s", name).contains("`" + name + "`");
        }
    }

    @Test
    void securityContextIsLockedDown() throws IOException {
        Map<String, Object> deployment = baseDeployment();
        Map<String, Object> podSpec = map(template(deployment).get("spec"));
        Map<String, Object> pod = map(podSpec.get("securityContext"));
        assertThat(pod.get("runAsNonRoot")).as("pod runAsNonRoot").isEqualTo(true);
        assertThat(map(pod.get("seccompProfile")).get("type")).isEqualTo("RuntimeDefault");

        Map<String, Object> container = map(baseContainer().get("securityContext"));
        assertThat(container.get("runAsNonRoot")).as("runAsNonRoot").isEqualTo(true);
        assertThat(container.get("readOnlyRootFilesystem")).as("readOnlyRootFilesystem").isEqualTo(true);
        assertThat(container.get("allowPrivilegeEscalation")).as("allowPrivilegeEscalation").isEqualTo(false);
        assertThat(list(map(container.get("capabilities")).get("drop"))).as("dropped capabilities")
                .containsExactly("ALL");

        // A read-only root needs writable volumes for the JVM's temporary files and the audit log.
        List<String> mounts = list(baseContainer().get("volumeMounts")).stream()
                .map(mount -> (String) map(mount).get("mountPath")).toList();
        assertThat(mounts).contains("/tmp", baseConfig().get("AGENTFORGE_AUDIT_DIR"));

        assertThat(podSpec.get("automountServiceAccountToken")).isEqualTo(false);
        Map<String, Object> account = kubernetesDocuments(BASE).stream()
                .filter(document -> "ServiceAccount".equals(document.get("kind"))).findFirst().orElseThrow();
        assertThat(map(account.get("metadata")).get("name")).isEqualTo(podSpec.get("serviceAccountName"));
        assertThat(account.get("automountServiceAccountToken")).isEqualTo(false);
        assertThat(kubernetesDocuments()).as("the service needs no Kubernetes API access")
                .noneMatch(document -> List.of("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
                        .contains(document.get("kind")));

        for (String overlay : OVERLAYS) {
            for (Map<String, Object> document : kubernetesDocuments(KUBERNETES.resolve("overlays/" + overlay))) {
                assertThat(String.valueOf(document)).as("overlay %s leaves the security context", overlay)
                        .doesNotContain("securityContext");
            }
        }
    }

    @Test
    void terminationGraceCoversShutdown() throws IOException {
        long preStop = preStopSeconds(baseContainer());
        assertThat(preStop).as("preStop sleep seconds").isPositive();
        long cancelWait = AgentServer.SHUTDOWN_CANCEL_WAIT.toSeconds();

        Map<String, String> configs = new LinkedHashMap<>();
        Map<String, Long> terminationGrace = new LinkedHashMap<>();
        configs.put("base", baseConfig().get("AGENTFORGE_SHUTDOWN_GRACE"));
        terminationGrace.put("base", terminationGraceSeconds(baseDeployment()));
        for (String overlay : OVERLAYS) {
            Path dir = KUBERNETES.resolve("overlays/" + overlay);
            String grace = configs.get("base");
            Long seconds = terminationGrace.get("base");
            for (Map<String, Object> document : kubernetesDocuments(dir)) {
                if ("ConfigMap".equals(document.get("kind"))
                        && map(document.get("data")).get("AGENTFORGE_SHUTDOWN_GRACE") != null) {
                    grace = (String) map(document.get("data")).get("AGENTFORGE_SHUTDOWN_GRACE");
                }
                if ("Deployment".equals(document.get("kind")) && terminationGraceSeconds(document) != null) {
                    seconds = terminationGraceSeconds(document);
                }
            }
            configs.put(overlay, grace);
            terminationGrace.put(overlay, seconds);
        }
        for (String name : configs.keySet()) {
            long shutdownGrace = Duration.parse(configs.get(name)).toSeconds();
            assertThat(terminationGrace.get(name)).as("%s: terminationGracePeriodSeconds >= preStop %d s + "
                    + "AGENTFORGE_SHUTDOWN_GRACE %d s + cancel wait %d s", name, preStop, shutdownGrace, cancelWait)
                    .isGreaterThanOrEqualTo(preStop + shutdownGrace + cancelWait);
        }

        for (Path file : composeFiles()) {
            Map<String, Object> service = agentforgeService(file);
            long shutdownGrace = Duration.parse(environment(service).get("AGENTFORGE_SHUTDOWN_GRACE")).toSeconds();
            String stopGrace = (String) service.get("stop_grace_period");
            assertThat(stopGrace).as("stop_grace_period in %s", file).matches("\\d+s");
            assertThat(Long.parseLong(stopGrace.substring(0, stopGrace.length() - 1)))
                    .as("stop_grace_period in %s", file).isGreaterThanOrEqualTo(shutdownGrace + cancelWait);
        }
    }

    @Test
    void servicesUseClientIpAffinity() throws IOException {
        Set<String> portNames = new LinkedHashSet<>();
        for (Object port : list(baseContainer().get("ports"))) {
            portNames.add((String) map(port).get("name"));
        }
        List<Map<String, Object>> services = kubernetesDocuments().stream()
                .filter(document -> "Service".equals(document.get("kind"))).toList();
        assertThat(services).extracting(service -> map(service.get("spec")).get("type"))
                .contains("ClusterIP", "LoadBalancer");
        for (Map<String, Object> service : services) {
            Map<String, Object> spec = map(service.get("spec"));
            String name = (String) map(service.get("metadata")).get("name");
            assertThat(spec.get("sessionAffinity")).as("sessionAffinity of %s", name).isEqualTo("ClientIP");
            assertThat(map(spec.get("selector"))).as("selector of %s", name)
                    .containsEntry("app.kubernetes.io/name", "agentforge");
            for (Object port : list(spec.get("ports"))) {
                assertThat(portNames).as("targetPort of %s", name).contains((String) map(port).get("targetPort"));
            }
            if ("LoadBalancer".equals(spec.get("type"))) {
                assertThat(spec.get("externalTrafficPolicy")).as("keeps client addresses for affinity")
                        .isEqualTo("Local");
            }
        }
    }

    @Test
    void composeKeepsSecretsOutOfFiles() throws IOException {
        for (Path file : composeFiles()) {
            for (Object value : map(load(file).getFirst().get("services")).values()) {
                for (Map.Entry<String, String> variable : environment(map(value)).entrySet()) {
                    boolean secret = variable.getKey().matches(".*(KEY|PASSWORD|SECRET|TOKEN).*");
                    if (secret) {
                        assertThat(variable.getValue()).as("%s in %s comes from the environment", variable.getKey(),
                                file).startsWith("${");
                    }
                }
            }
        }
        Map<String, Object> prod = agentforgeService(DOCKER.resolve("compose.prod.yaml"));
        assertThat(prod.get("restart")).isEqualTo("unless-stopped");
        assertThat(prod.get("read_only")).isEqualTo(true);
        Map<String, Object> limits = map(map(map(prod.get("deploy")).get("resources")).get("limits"));
        assertThat(limits).containsKeys("cpus", "memory");
    }

    @Test
    void overlaysRenderWithKustomize() throws Exception {
        assumeThat(onPath("kubectl")).as("kubectl on the PATH").isTrue();
        for (String overlay : OVERLAYS) {
            Process process = new ProcessBuilder("kubectl", "kustomize",
                    KUBERNETES.resolve("overlays/" + overlay).toString()).redirectErrorStream(false).start();
            String rendered;
            String errors;
            try (InputStream out = process.getInputStream(); InputStream err = process.getErrorStream()) {
                rendered = new String(out.readAllBytes(), StandardCharsets.UTF_8);
                errors = new String(err.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize exited").isTrue();
            assertThat(process.exitValue()).as("kubectl kustomize %s: %s", overlay, errors).isZero();

            List<Map<String, Object>> documents = new ArrayList<>();
            for (Object document : new Yaml().loadAll(rendered)) {
                documents.add(map(document));
            }
            Map<String, Object> deployment = documents.stream()
                    .filter(document -> "Deployment".equals(document.get("kind"))).findFirst().orElseThrow();
            Map<String, Object> container = map(list(map(template(deployment).get("spec")).get("containers"))
                    .getFirst());
            Map<String, Object> security = map(container.get("securityContext"));
            assertThat(security.get("readOnlyRootFilesystem")).as("%s readOnlyRootFilesystem", overlay).isEqualTo(true);
            assertThat(security.get("allowPrivilegeEscalation")).as("%s", overlay).isEqualTo(false);

            String grace = documents.stream().filter(document -> "ConfigMap".equals(document.get("kind")))
                    .map(document -> (String) map(document.get("data")).get("AGENTFORGE_SHUTDOWN_GRACE"))
                    .findFirst().orElseThrow();
            long required = preStopSeconds(container) + Duration.parse(grace).toSeconds()
                    + AgentServer.SHUTDOWN_CANCEL_WAIT.toSeconds();
            assertThat(terminationGraceSeconds(deployment)).as("%s terminationGracePeriodSeconds", overlay)
                    .isGreaterThanOrEqualTo(required);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(demo.url() + path)).timeout(REQUEST_TIMEOUT).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("deploy")) && Files.exists(dir.resolve("docs/configuration.md"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("No directory with deploy/ and docs/configuration.md above "
                + Path.of("").toAbsolutePath());
    }

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
                    .sorted().toList();
        }
    }

    private static List<Path> kustomizations() throws IOException {
        return yamlFiles().stream().filter(file -> file.getFileName().toString().equals("kustomization.yaml"))
                .toList();
    }

    private static List<Path> composeFiles() {
        return List.of(DOCKER.resolve("compose.dev.yaml"), DOCKER.resolve("compose.prod.yaml"));
    }

    private static List<Map<String, Object>> load(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object document : new Yaml().loadAll(reader)) {
                if (document != null) {
                    documents.add(map(document));
                }
            }
        }
        return documents;
    }

    private static Map<String, Object> single(Path file) throws IOException {
        List<Map<String, Object>> documents = load(file);
        assertThat(documents).as("documents in %s", file).hasSize(1);
        return documents.getFirst();
    }

    // Every Kubernetes object under deploy/kubernetes except the kustomization files.
    private static List<Map<String, Object>> kubernetesDocuments() throws IOException {
        return kubernetesDocuments(KUBERNETES);
    }

    private static List<Map<String, Object>> kubernetesDocuments(Path dir) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Path file : yamlFiles()) {
            if (file.startsWith(dir) && !file.getFileName().toString().equals("kustomization.yaml")) {
                documents.addAll(load(file));
            }
        }
        return documents;
    }

    private static Map<String, Object> baseDeployment() throws IOException {
        return single(BASE.resolve("deployment.yaml"));
    }

    private static Map<String, Object> baseContainer() throws IOException {
        return map(list(map(template(baseDeployment()).get("spec")).get("containers")).getFirst());
    }

    private static Map<String, String> baseConfig() throws IOException {
        Map<String, String> config = new LinkedHashMap<>();
        map(single(BASE.resolve("configmap.yaml")).get("data")).forEach((key, value) -> config.put(key,
                String.valueOf(value)));
        return config;
    }

    private static Map<String, Object> template(Map<String, Object> deployment) {
        return map(map(deployment.get("spec")).get("template"));
    }

    private static Long terminationGraceSeconds(Map<String, Object> deployment) {
        Object value = map(template(deployment).get("spec")).get("terminationGracePeriodSeconds");
        return value == null ? null : ((Number) value).longValue();
    }

    private static long preStopSeconds(Map<String, Object> container) {
        Map<String, Object> preStop = map(map(container.get("lifecycle")).get("preStop"));
        return ((Number) map(preStop.get("sleep")).get("seconds")).longValue();
    }

    private static int containerPort(Map<String, Object> container, String name) {
        return list(container.get("ports")).stream().map(DeployManifestsTest::map)
                .filter(port -> name.equals(port.get("name")))
                .map(port -> ((Number) port.get("containerPort")).intValue()).findFirst().orElseThrow();
    }

    private static int resolvePort(Map<String, Object> container, Object port) {
        return port instanceof Number number ? number.intValue() : containerPort(container, (String) port);
    }

    private static Map<String, Object> agentforgeService(Path composeFile) throws IOException {
        return map(map(single(composeFile).get("services")).get("agentforge"));
    }

    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> environment = new LinkedHashMap<>();
        map(service.get("environment")).forEach((key, value) -> environment.put(key, String.valueOf(value)));
        return environment;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }
}
