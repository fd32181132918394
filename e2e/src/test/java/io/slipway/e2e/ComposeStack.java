package io.slipway.e2e;

import io.slipway.testsupport.Await;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Ports;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Repository;
import io.slipway.testsupport.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole slipway stack from the repository's docker-compose.yml, on the real Docker engine, under its own compose
 * project name and free 127.0.0.1 ports. Needs the images built by the service modules ({@code ./mvnw verify} builds
 * them before this module runs). Fails, never skips, when the engine or compose is missing.
 *
 * <p>Use {@link #shared(ExtensionContext)} for a stack that all test classes share (torn down when the test JVM's
 * root context closes), or {@link #start(String, Map)} for a private one that the test must {@link #close()}.
 */
public final class ComposeStack implements AutoCloseable, ExtensionContext.Store.CloseableResource {

    private static final Duration HEALTHY_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);

    private final Path root;
    private final String project;
    private final Map<String, String> env;
    private final int frontDoorPort;
    private final int registryPort;
    private final int deployPort;
    private boolean closed;

    private ComposeStack(String project, Map<String, String> extraEnv) {
        this.root = repositoryRoot();
        this.project = project;
        // Ports given in extraEnv (a test that forwards them) are used as they are.
        this.frontDoorPort = port(extraEnv, "SLIPWAY_PORT");
        this.registryPort = port(extraEnv, "SLIPWAY_REGISTRY_PORT");
        this.deployPort = port(extraEnv, "SLIPWAY_DEPLOY_PORT");
        this.env = new HashMap<>();
        env.put("COMPOSE_PROJECT_NAME", project);
        env.put("SLIPWAY_PORT", Integer.toString(frontDoorPort));
        env.put("SLIPWAY_REGISTRY_PORT", Integer.toString(registryPort));
        env.put("SLIPWAY_DEPLOY_PORT", Integer.toString(deployPort));
        env.put("DOCKER_GID", dockerSocketGroup());
        env.put("DOCKER_BUILDKIT", "0");
        env.put("COMPOSE_DOCKER_CLI_BUILD", "0");
        // Tests send no traffic off this machine: no Docker Hub upstream (the mirror's readiness would ping it).
        env.put("SLIPWAY_MIRROR_DOCKERHUB", "false");
        // Images built under another tag (SLIPWAY_TAG, e.g. in a second checkout) are the ones to test.
        String tag = System.getenv().getOrDefault("SLIPWAY_TAG", "latest");
        env.put("SLIPWAY_TAG", tag);
        env.put("SAMPLE_MODEL_IMAGE", System.getenv().getOrDefault("SAMPLE_MODEL_IMAGE", "slipway/sample-model:" + tag));
        env.putAll(extraEnv);
    }

    private static int port(Map<String, String> extraEnv, String variable) {
        return extraEnv.containsKey(variable) ? Integer.parseInt(extraEnv.get(variable)) : Ports.freePort();
    }

    /** The stack every test class of this JVM shares; started on first use. */
    public static synchronized ComposeStack shared(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(ComposeStack.class, key -> start("shared", Map.of()), ComposeStack.class);
    }

    /** Starts a private stack; {@code extraEnv} overrides compose variables (e.g. {@code SAMPLE_MODEL_LATENCY}). */
    public static ComposeStack start(String name, Map<String, String> extraEnv) {
        String prefix = System.getenv().getOrDefault("SLIPWAY_E2E_PROJECT_PREFIX", "slipway-e2e");
        String project = (prefix + "-" + name + "-" + UUID.randomUUID().toString().substring(0, 6))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        ComposeStack stack = new ComposeStack(project, extraEnv);
        try {
            stack.up();
            return stack;
        } catch (RuntimeException | Error e) {
            System.err.println(stack.logs());
            stack.close();
            throw e;
        }
    }

    private void up() {
        requireEngine();
        // docker-compose 1.29 tries a registry when an image is missing, whatever pull_policy says: fail first.
        for (String image : List.of(env.get("SAMPLE_MODEL_IMAGE"), "slipway/inference-gateway:" + env.get("SLIPWAY_TAG"),
                "slipway/mirror-service:" + env.get("SLIPWAY_TAG"), "slipway/deploy-controller:" + env.get("SLIPWAY_TAG"))) {
            try {
                run(List.of("docker", "image", "inspect", "--format", "{{.Id}}", image), Duration.ofSeconds(30));
            } catch (AssertionError e) {
                throw new AssertionError("image " + image + " is missing: build it first (./mvnw package)", e);
            }
        }
        composeUp();
        awaitHealthy();
    }

    /**
     * What {@code ./slipway up} runs: the model services' definitions (created, never started; deploy-controller runs
     * their deployed versions), then everything else.
     */
    private void composeUp() {
        List<String> models = modelServices();
        if (!models.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("up", "--no-start"));
            args.addAll(models);
            compose(args.toArray(String[]::new));
        }
        compose("up", "-d", "--build", "--remove-orphans");
    }

    /** Runs the up step again with {@code changedEnv} on top of the stack's env (an operator editing settings). */
    public void upAgain(Map<String, String> changedEnv) {
        env.putAll(changedEnv);
        composeUp();
        awaitHealthy();
    }

    /** {@code docker-compose down} as {@code ./slipway down} runs it: keeps the volumes. */
    public void downKeepingVolumes() {
        compose("down", "--remove-orphans", "--timeout", "10");
    }

    /** The compose services in profile {@code models}, from {@code docker-compose config}. */
    public List<String> modelServices() {
        List<String> models = new ArrayList<>();
        String service = null;
        boolean inServices = false;
        boolean inProfiles = false;
        for (String line : compose("config").lines().toList()) {
            if (!line.startsWith(" ")) {
                inServices = line.equals("services:");
            } else if (inServices && line.matches("  [^ ]+:")) {
                service = line.strip().replaceAll(":$", "");
                inProfiles = false;
            } else if (inServices && line.equals("    profiles:")) {
                inProfiles = true;
            } else if (inServices && inProfiles && line.equals("    - models")) {
                models.add(service);
            } else if (line.startsWith("    ") && !line.startsWith("    -")) {
                inProfiles = false;
            }
        }
        return models;
    }

    /**
     * Waits until every running container of the project reports a healthy Docker healthcheck (a model's definition
     * container is never started), then until every model service answers through the front door.
     */
    public void awaitHealthy() {
        awaitContainersHealthy();
        for (String model : modelServices()) {
            String url = frontDoor() + "/models/" + model + "/v2/health/ready";
            Await.until(model + " answering through the front door of " + project, HEALTHY_TIMEOUT,
                    () -> status(url) == 200);
        }
    }

    private static int status(String url) {
        try {
            return Http.get(url).status();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private void awaitContainersHealthy() {
        AtomicReference<String> states = new AtomicReference<>("");
        Await.until("stack " + project + " healthy", HEALTHY_TIMEOUT, () -> {
            List<String> ids = containerIds(null);
            if (ids.isEmpty()) {
                return false;
            }
            List<String> args = new ArrayList<>(List.of("docker", "inspect", "--format",
                    "{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}"));
            args.addAll(ids);
            states.set(run(args, Duration.ofSeconds(30)).trim());
            return ids.size() >= 5 && states.get().lines().allMatch(line -> line.endsWith(" healthy"));
        }, () -> states.get().lines().anyMatch(line -> line.contains(" exited ") || line.contains(" dead ")),
                () -> "container states:\n" + states.get());
    }

    /** Container ids of the project, of one compose service or (service null) of all. */
    public List<String> containerIds(String service) {
        List<String> args = new ArrayList<>(List.of("docker", "ps", "-q", "--no-trunc",
                "--filter", "label=com.docker.compose.project=" + project));
        if (service != null) {
            args.addAll(List.of("--filter", "label=com.docker.compose.service=" + service));
        }
        return run(args, Duration.ofSeconds(30)).lines().filter(line -> !line.isBlank()).toList();
    }

    /** {@code docker exec ID COMMAND...}: its output. */
    public String exec(String id, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", id));
        args.addAll(List.of(command));
        return docker(args.toArray(String[]::new));
    }

    /** {@code docker ARGS...} with the stack's environment: its output (an AssertionError when it fails). */
    public String docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return run(command, Duration.ofMinutes(2));
    }

    /** {@code docker inspect --format FORMAT ID}, trimmed. */
    public String inspect(String id, String format) {
        return run(List.of("docker", "inspect", "--format", format, id), Duration.ofSeconds(30)).trim();
    }

    /**
     * Runs {@code docker-compose -p <project> -f docker-compose.yml ARGS...} in the repository root; with
     * {@code COMPOSE_FILE} in the stack's env (docker-compose.yml plus overrides), that list instead of {@code -f}.
     */
    public String compose(String... args) {
        List<String> command = new ArrayList<>(composeCommand());
        command.addAll(List.of("-p", project));
        if (!env.containsKey("COMPOSE_FILE")) {
            command.addAll(List.of("-f", root.resolve("docker-compose.yml").toString()));
        }
        command.addAll(List.of(args));
        return run(command, COMMAND_TIMEOUT);
    }

    /** The last log lines of every service, for failure messages. */
    public String logs() {
        try {
            return compose("logs", "--no-color", "--tail", "80");
        } catch (RuntimeException | AssertionError e) {
            return "(no logs: " + e.getMessage() + ")";
        }
    }

    public String project() {
        return project;
    }

    /** Base URL of nginx, the front door: {@code http://127.0.0.1:<port>}. */
    public String frontDoor() {
        return "http://127.0.0.1:" + frontDoorPort;
    }

    public String registry() {
        return "127.0.0.1:" + registryPort;
    }

    public String deployController() {
        return "http://127.0.0.1:" + deployPort;
    }

    public Map<String, String> env() {
        return Map.copyOf(env);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            compose("down", "-v", "--remove-orphans", "--timeout", "10");
        } catch (RuntimeException | AssertionError e) {
            System.err.println("compose down of " + project + " failed: " + e.getMessage());
        }
        // Containers that deploy-controller created carry the project label too; make sure none outlives the test.
        List<String> leftovers = run(List.of("docker", "ps", "-aq", "--filter",
                "label=com.docker.compose.project=" + project), Duration.ofSeconds(30)).lines()
                .filter(line -> !line.isBlank()).toList();
        if (!leftovers.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f", "-v"));
            rm.addAll(leftovers);
            run(rm, Duration.ofMinutes(1));
        }
    }

    private List<String> composeCommand() {
        if (Processes.onPath("docker-compose")) {
            return List.of("docker-compose");
        }
        return List.of("docker", "compose");
    }

    private static void requireEngine() {
        Requirements.require(Part.DOCKER_ENGINE, Part.DOCKER_COMPOSE);
    }

    private String run(List<String> command, Duration timeout) {
        return Processes.command(command).env(env).dir(root).timeout(timeout).check();
    }

    /** The repository root. */
    public static Path repositoryRoot() {
        return Repository.root();
    }

    private static String dockerSocketGroup() {
        try {
            return String.valueOf(Files.getAttribute(Path.of("/var/run/docker.sock"), "unix:gid"));
        } catch (IOException | UnsupportedOperationException e) {
            return "0";
        }
    }
}
