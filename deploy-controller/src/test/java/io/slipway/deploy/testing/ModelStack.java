package io.slipway.deploy.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.slipway.testsupport.Await;
import io.slipway.testsupport.Repository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * A compose-like model stack on the real engine for a {@code @QuarkusTest} controller running on the host: a network
 * {@code slipway-t-deploy-<random>}, one sample-model container carrying the compose labels of service
 * {@code sample-model} (as {@code docker-compose up} makes it), and slipway's nginx (built from {@code nginx/}) with
 * its config directory bind-mounted from a temp dir and its port published on 127.0.0.1. Everything is removed on
 * stop, also after failures.
 */
public class ModelStack implements QuarkusTestResourceLifecycleManager {

    /** The sample model image of this build ({@code SLIPWAY_TAG}, as the image build tags it; default latest). */
    public static final String SAMPLE_MODEL = "slipway/sample-model:"
            + System.getenv().getOrDefault("SLIPWAY_TAG", "latest");

    /**
     * The sample model's healthcheck, as docker-compose.yml has it: {@code wget} (the JDK 25 base has busybox's, no
     * curl), curl only in an image without wget (the -Pjdk17 flavour).
     */
    public static final String HEALTH_CMD = "if command -v wget >/dev/null; then"
            + " wget -q -t 1 -T 2 -O /dev/null http://localhost:8000/v2/health/ready;"
            + " else curl -fsS -m 2 -o /dev/null http://localhost:8000/v2/health/ready; fi";

    /** slipway's nginx, built from {@code nginx/} under this build's tag (so other checkouts' images are left alone). */
    public static final String NGINX = "slipway/nginx:" + System.getenv().getOrDefault("SLIPWAY_TAG", "latest");

    public static final String TOKEN = "test-token";
    public static final String SERVICE = "sample-model";

    /** Set by {@link #start()} for the test classes. */
    public static volatile String project;
    public static volatile Path configDir;
    public static volatile int nginxPort;

    @Override
    public Map<String, String> start() {
        DockerCli.requireEngine();
        project = "slipway-t-deploy-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        try {
            configDir = Files.createTempDirectory(project);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path nginxDir = repositoryRoot().resolve("nginx");
            DockerCli.run("build", "-q", "-t", NGINX, nginxDir.toString());
            DockerCli.run("network", "create", "--label", "com.docker.compose.project=" + project, project);
            DockerCli.run("run", "-d", "--pull", "never", "--name", project + "_" + SERVICE + "_1",
                    "--network", project, "--network-alias", SERVICE,
                    "--label", "com.docker.compose.project=" + project,
                    "--label", "com.docker.compose.service=" + SERVICE,
                    "--label", "com.docker.compose.container-number=1",
                    "--label", "com.docker.compose.oneoff=False",
                    "--label", "io.slipway.model-service=true",
                    "--label", "io.slipway.model-port=8000",
                    "-e", "SAMPLE_MODEL_VERSION=1",
                    "--restart", "unless-stopped",
                    "--log-driver", "json-file", "--log-opt", "max-size=1m", "--log-opt", "max-file=2",
                    "--health-cmd", HEALTH_CMD,
                    "--health-interval", "1s", "--health-timeout", "2s", "--health-retries", "3",
                    SAMPLE_MODEL);
            DockerCli.run("run", "-d", "--pull", "never", "--name", project + "_nginx_1",
                    "--network", project, "--network-alias", "nginx",
                    "--label", "com.docker.compose.project=" + project,
                    "--label", "com.docker.compose.service=nginx",
                    "--label", "com.docker.compose.container-number=1",
                    "-e", "SLIPWAY_MODEL_SERVICES=" + SERVICE + ":8000",
                    "-v", configDir + ":/etc/nginx/slipway",
                    "-p", "127.0.0.1::8080",
                    NGINX);
            String port = DockerCli.run("port", project + "_nginx_1", "8080");
            nginxPort = Integer.parseInt(port.lines().findFirst().orElseThrow().replaceAll(".*:", ""));
            awaitModelThroughNginx();
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
        return Map.of(
                "deploy.compose-project", project,
                "deploy.nginx.config-dir", configDir.toString(),
                "deploy.state-dir", configDir.resolve("state").toString(),
                "deploy.nginx.verify-url", "http://127.0.0.1:" + nginxPort,
                "deploy.auth.token", TOKEN,
                "deploy.health-timeout", "90s",
                "deploy.drain-timeout", "5s",
                "deploy.http-probe", "false");
    }

    @Override
    public void stop() {
        if (project != null) {
            DockerCli.removeProject(project);
        }
    }

    public static String nginxUrl() {
        return "http://127.0.0.1:" + nginxPort;
    }

    private static void awaitModelThroughNginx() {
        String ready = nginxUrl() + "/models/" + SERVICE + "/v2/health/ready";
        Await.until("sample-model healthy and answering through nginx", Duration.ofSeconds(90),
                () -> Await.status(ready) == 200 && DockerCli.run("inspect", "--format",
                        "{{.State.Health.Status}}", project + "_" + SERVICE + "_1").equals("healthy"),
                () -> false, () -> "nginx log:\n" + DockerCli.tryRun("logs", "--tail", "30", project + "_nginx_1")
                        .output());
    }

    /** The repository root. */
    public static Path repositoryRoot() {
        return Repository.root();
    }
}
