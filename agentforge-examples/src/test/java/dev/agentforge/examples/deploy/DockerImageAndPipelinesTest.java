package dev.agentforge.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.examples.demo.HealthProbe;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks deploy/docker/Dockerfile, the .dockerignore and the CI/CD templates under deploy/ci without a
 * Docker engine or a CI service: the files are parsed and compared with the Kubernetes manifests, the
 * compose files and docs/configuration.md.
 */
class DockerImageAndPipelinesTest {

    private static final Path ROOT = repositoryRoot();
    private static final Path DOCKERFILE = ROOT.resolve("deploy/docker/Dockerfile");
    private static final String JAR = "/app/agentforge-demo.jar";
    private static final Pattern VARIABLE = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|\\S+)");

    /** One instruction of the Dockerfile, continuation lines joined. */
    record Instruction(String keyword, String arguments) {
    }

    @Test
    void dockerfileBuildsWithJdkAndRunsOnJre() throws IOException {
        List<Instruction> from = instructions("FROM", instructions());
        assertThat(from).hasSize(2);
        assertThat(from.getFirst().arguments()).startsWith("eclipse-temurin:21-jdk").endsWith(" AS build");
        assertThat(from.getLast().arguments()).isEqualTo("eclipse-temurin:21-jre");
        assertThat(stage(0)).anySatisfy(run -> assertThat(run.keyword() + " " + run.arguments())
                .startsWith("RUN").contains("./mvnw -B -DskipTests package -pl agentforge-examples -am"));
    }

    @Test
    void runtimeStageRunsTheJarAsUser10001() throws IOException {
        List<Instruction> runtime = stage(1);
        assertThat(last("USER", runtime)).isIn("10001", "10001:10001");
        assertThat(last("EXPOSE", runtime)).isEqualTo("8080");
        assertThat(last("STOPSIGNAL", runtime)).isEqualTo("SIGTERM");

        // Exec form, so that the JVM is PID 1 and gets SIGTERM.
        List<Object> entrypoint = execForm(last("ENTRYPOINT", runtime));
        assertThat(entrypoint).containsExactly("java", "-jar", JAR);
        assertThat(instructions("CMD", runtime)).isEmpty();
        assertThat(runtime).anySatisfy(copy -> assertThat(copy.keyword() + " " + copy.arguments())
                .startsWith("COPY --from=build").endsWith(" " + JAR));
    }

    @Test
    void healthcheckUsesTheBuiltInProbe() throws IOException {
        String healthcheck = last("HEALTHCHECK", stage(1));
        int cmd = healthcheck.indexOf("CMD [");
        assertThat(cmd).as("HEALTHCHECK ... CMD [exec form]").isPositive();
        List<Object> command = execForm(healthcheck.substring(cmd + "CMD ".length()));
        assertThat(command).first().isEqualTo("java");
        assertThat(command).containsSequence("-cp", JAR, HealthProbe.class.getName());
        // The probe's own timeout plus its JVM start must fit into the healthcheck timeout.
        Matcher timeout = Pattern.compile("--timeout=(\\d+)s").matcher(healthcheck);
        assertThat(timeout.find()).isTrue();
        assertThat(Integer.parseInt(timeout.group(1))).isGreaterThan(HealthProbe.TIMEOUT_SECONDS);

        Map<String, Object> prod = agentforgeService(ROOT.resolve("deploy/docker/compose.prod.yaml"));
        List<Object> test = list(map(prod.get("healthcheck")).get("test"));
        assertThat(test).contains(HealthProbe.class.getName()).containsSequence("-cp", JAR)
                .doesNotContain("curl");
        String composeTimeout = (String) map(prod.get("healthcheck")).get("timeout");
        assertThat(Integer.parseInt(composeTimeout.replace("s", ""))).isGreaterThan(HealthProbe.TIMEOUT_SECONDS);
    }

    @Test
    void environmentMatchesManifestsAndDocs() throws IOException {
        Map<String, String> env = environment(stage(1));
        assertThat(env).containsEntry("AGENTFORGE_HOST", "0.0.0.0").containsEntry("PORT", "8080");
        assertThat(env.get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=75");

        String configuration = Files.readString(ROOT.resolve("docs/configuration.md"));
        for (String name : env.keySet()) {
            assertThat(configuration).as("docs/configuration.md documents %s", name).contains("`" + name + "`");
        }

        Map<String, Object> configMap = map(load(ROOT.resolve("deploy/kubernetes/base/configmap.yaml"))
                .getFirst().get("data"));
        String auditDir = (String) configMap.get("AGENTFORGE_AUDIT_DIR");
        assertThat(env).containsEntry("AGENTFORGE_AUDIT_DIR", auditDir);
        assertThat(String.valueOf(configMap.get("PORT"))).isEqualTo(env.get("PORT"));
        // The image creates the audit directory owned by the user, so a new volume on it is writable.
        String setup = stage(1).stream().filter(run -> run.keyword().equals("RUN")).map(Instruction::arguments)
                .reduce("", String::concat);
        assertThat(setup).contains("--uid 10001", "mkdir -p", auditDir, "chown -R 10001:10001 /var/lib/agentforge");
    }

    @Test
    void dockerignoreKeepsLocalStateOutButSourcesIn() throws IOException {
        List<String> patterns = Files.readAllLines(ROOT.resolve(".dockerignore")).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertThat(patterns).contains(".git", "**/target", "**/node_modules", "audit", "*/audit");
        // Source packages named audit (dev/agentforge/.../audit) must stay in the build context.
        assertThat(patterns).noneMatch(pattern -> pattern.startsWith("**/audit") || pattern.equals("**/src")
                || pattern.equals("*.java") || pattern.equals("**/*.java"));
        for (Instruction copy : instructions("COPY", stage(0))) {
            String source = copy.arguments().split("\\s+")[0];
            assertThat(patterns).as("COPY %s is not ignored", source).doesNotContain(source);
        }
    }

    @Test
    void githubWorkflowTestsBuildsAndDeploysOnTags() throws IOException {
        Map<String, Object> workflow = load(ROOT.resolve("deploy/ci/github-actions.yaml")).getFirst();
        Map<String, Object> jobs = map(workflow.get("jobs"));

        Map<String, Object> test = map(jobs.get("test"));
        Map<String, Object> services = map(test.get("services"));
        assertThat(services).containsKeys("postgres", "redis");
        assertThat((String) map(services.get("postgres")).get("image")).startsWith("postgres:");
        assertThat((String) map(services.get("redis")).get("image")).startsWith("redis:");
        assertThat(runs(test)).anyMatch(run -> run.contains("./mvnw -B verify"));

        Map<String, Object> image = map(jobs.get("image"));
        assertThat(image.get("needs")).isEqualTo("test");
        Map<String, Object> buildPush = steps(image).stream()
                .filter(step -> String.valueOf(step.get("uses")).startsWith("docker/build-push-action@"))
                .findFirst().orElseThrow();
        Map<String, Object> with = map(buildPush.get("with"));
        assertThat(with).containsEntry("file", "deploy/docker/Dockerfile").containsEntry("push", true);

        Map<String, Object> deploy = map(jobs.get("deploy"));
        assertThat(deploy.get("needs")).isEqualTo("image");
        assertThat((String) deploy.get("if")).isEqualTo("startsWith(github.ref, 'refs/tags/v')");
        assertThat(runs(deploy)).anyMatch(run -> run.contains("kubectl apply -k deploy/kubernetes/overlays/production"));
        // Only deploy touches the cluster.
        jobs.forEach((name, job) -> {
            if (!name.equals("deploy")) {
                assertThat(runs(map(job))).as("job %s", name).noneMatch(run -> run.contains("kubectl"));
            }
        });
        assertThat(Files.readString(ROOT.resolve("deploy/ci/github-actions.yaml"))).doesNotContainPattern(
                "(?i)password:\\s*[^$\\s]");
    }

    @Test
    void gitlabPipelineScansDependenciesAndImage() throws IOException {
        Map<String, Object> pipeline = load(ROOT.resolve("deploy/ci/gitlab-ci.yaml")).getFirst();
        assertThat(list(pipeline.get("stages"))).containsSubsequence("test", "build", "scan", "deploy");
        List<String> templates = list(pipeline.get("include")).stream()
                .map(include -> (String) map(include).get("template")).toList();
        assertThat(templates).contains("Jobs/Dependency-Scanning.gitlab-ci.yml", "Jobs/Container-Scanning.gitlab-ci.yml");

        Map<String, Object> test = map(pipeline.get("test"));
        assertThat(test.get("stage")).isEqualTo("test");
        assertThat(list(test.get("services")).stream().map(service -> (String) map(service).get("name")))
                .anyMatch(name -> name.startsWith("postgres:")).anyMatch(name -> name.startsWith("redis:"));
        assertThat(list(test.get("script"))).contains("./mvnw -B verify");

        Map<String, Object> build = map(pipeline.get("build"));
        assertThat(build.get("stage")).isEqualTo("build");
        assertThat(String.valueOf(build.get("script"))).contains("docker build -f deploy/docker/Dockerfile",
                "docker push");

        assertThat(map(pipeline.get("gemnasium-maven-dependency_scanning")).get("stage")).isEqualTo("scan");
        Map<String, Object> containerScanning = map(pipeline.get("container_scanning"));
        assertThat(containerScanning.get("stage")).isEqualTo("scan");
        // The image that build pushed.
        assertThat(map(containerScanning.get("variables")).get("CS_IMAGE")).isEqualTo("$IMAGE");
        assertThat(String.valueOf(build.get("script"))).contains("docker push \"$IMAGE\"");

        Map<String, Object> deploy = map(pipeline.get("deploy"));
        assertThat(list(deploy.get("rules"))).singleElement()
                .satisfies(rule -> assertThat((String) map(rule).get("if")).contains("$CI_COMMIT_TAG"));
    }

    private static List<Instruction> instructions() throws IOException {
        List<Instruction> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(DOCKERFILE)) {
            String line = raw.strip();
            if (line.startsWith("#") || line.isEmpty() && current.isEmpty()) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            String text = current.toString().strip();
            current.setLength(0);
            int space = text.indexOf(' ');
            result.add(new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()
                    .replaceAll("\\s+", " ")));
        }
        assertThat(current).as("no continuation at the end of the Dockerfile").isEmpty();
        return result;
    }

    private static List<Instruction> stage(int index) throws IOException {
        List<List<Instruction>> stages = new ArrayList<>();
        for (Instruction instruction : instructions()) {
            if (instruction.keyword().equals("FROM")) {
                stages.add(new ArrayList<>());
            }
            stages.getLast().add(instruction);
        }
        return stages.get(index);
    }

    private static List<Instruction> instructions(String keyword, List<Instruction> instructions) {
        return instructions.stream().filter(instruction -> instruction.keyword().equals(keyword)).toList();
    }

    private static String last(String keyword, List<Instruction> instructions) {
        List<Instruction> matching = instructions(keyword, instructions);
        assertThat(matching).as("%s in the runtime stage", keyword).isNotEmpty();
        return matching.getLast().arguments();
    }

    private static List<Object> execForm(String json) {
        // A JSON array of strings is also YAML.
        return list(new Yaml().load(json));
    }

    private static Map<String, String> environment(List<Instruction> instructions) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Instruction instruction : instructions("ENV", instructions)) {
            Matcher matcher = VARIABLE.matcher(instruction.arguments());
            while (matcher.find()) {
                env.put(matcher.group(1), matcher.group(2).replaceAll("^\"|\"$", ""));
            }
        }
        return env;
    }

    private static List<Map<String, Object>> steps(Map<String, Object> job) {
        return list(job.get("steps")).stream().map(DockerImageAndPipelinesTest::map).toList();
    }

    private static List<String> runs(Map<String, Object> job) {
        return steps(job).stream().map(step -> (String) step.get("run")).filter(run -> run != null).toList();
    }

    private static Map<String, Object> agentforgeService(Path compose) throws IOException {
        return map(map(load(compose).getFirst().get("services")).get("agentforge"));
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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("deploy/docker/Dockerfile")) && Files.exists(dir.resolve("docs/configuration.md"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("No directory with deploy/docker/Dockerfile above " + Path.of("").toAbsolutePath());
    }
}
