package io.slipway.deploy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.engine.ContainerEngine.NewContainer;
import io.slipway.deploy.testing.DockerCli;
import io.slipway.testsupport.ChildProcess;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Ports;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ContainerEngine} must do, checked against a real engine (fixtures made with the docker CLI).
 * An implementation is done when a subclass of this passes.
 */
public abstract class ContainerEngineContract {

    protected abstract ContainerEngine engine();

    /**
     * Whether the engine's definition of container {@code id} asks for every GPU, read the way that engine shows it
     * (the port has no verb for it: only the engine running the container needs to know).
     */
    protected abstract boolean requestsAllGpus(String id);

    /** The engine's record of container {@code id}'s device requests and runtime, comparable between containers. */
    protected abstract String devicesAndRuntime(String id);

    private String prefix;

    @BeforeEach
    void fixtures() {
        DockerCli.requireEngine();
        prefix = "slipway-t-deploy-eng-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
        DockerCli.run("network", "create", prefix);
        DockerCli.run("run", "-d", "--pull", "never", "--name", prefix + "-template", "--network", prefix,
                "--label", "com.docker.compose.project=" + prefix, "--label", "keep=me",
                "-e", "SAMPLE_MODEL_VERSION=7", "--restart", "on-failure:3",
                "--log-driver", "json-file", "--log-opt", "max-size=2m",
                "--ipc", "shareable", "--shm-size", "96m", "-v", prefix + "-vol:/data",
                "--health-cmd", io.slipway.deploy.testing.ModelStack.HEALTH_CMD, "--health-interval", "1s",
                "-p", "127.0.0.1::8000", io.slipway.deploy.testing.ModelStack.SAMPLE_MODEL);
    }

    @AfterEach
    void cleanUp() {
        DockerCli.removeProject(prefix);
        DockerCli.tryRun("rm", "-f", prefix + "-template", prefix + "-clone", prefix + "-plain", prefix + "-gpu");
        DockerCli.tryRun("network", "rm", prefix);
        DockerCli.tryRun("volume", "rm", prefix + "-vol");
    }

    @Test
    void answersPing() {
        assertFalse(engine().ping().apiVersion().isBlank());
    }

    @Test
    void inspectsImagesAndSaysWhenOneIsMissing() {
        var image = engine().inspectImage(io.slipway.deploy.testing.ModelStack.SAMPLE_MODEL).orElseThrow();
        assertTrue(image.id().startsWith("sha256:"));
        assertTrue(image.env().stream().anyMatch(e -> e.startsWith("JAVA_HOME=")), image.env().toString());
        assertTrue(engine().inspectImage("slipway-t-deploy/no-such-image:1").isEmpty());
        // A registry on the loopback that does not exist: fails at once without leaving the machine.
        assertThrows(EngineException.class, () -> engine().pullImage(
                ImageReference.parse("127.0.0.1:1/slipway-t-deploy/nope:1"), Duration.ofSeconds(30)));
    }

    @Test
    void pullsWithRegistryCredentialsAndSaysHowManyBytesItDownloaded() throws Exception {
        Requirements.require(Part.DOCKER_REGISTRY, Part.HTPASSWD, Part.SKOPEO);
        Path dir = Files.createTempDirectory("slipway-t-deploy-registry");
        int port = Ports.freePort();
        Processes.check(60, "htpasswd", "-Bbc", dir.resolve("htpasswd").toString(), "puller", "right");
        Files.writeString(dir.resolve("config.yml"), "version: 0.1\nstorage: {filesystem: {rootdirectory: " + dir
                + "/data}}\nhttp: {addr: 127.0.0.1:" + port + "}\nauth: {htpasswd: {realm: t, path: " + dir
                + "/htpasswd}}\n");
        String local = prefix + "-img:v1";
        String remote = "127.0.0.1:" + port + "/t/" + prefix + ":v1";
        Files.write(dir.resolve("layer.bin"), new SecureRandom().generateSeed(2 * 1024 * 1024));
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY layer.bin /layer.bin\n");
        try (ChildProcess registry = ChildProcess.start("registry", List.of("docker-registry", "serve",
                dir.resolve("config.yml").toString()), Map.of())) {
            registry.awaitListening("http://127.0.0.1:" + port + "/v2/", Duration.ofSeconds(30));
            Processes.Result built = Processes.exec(300, Map.of("DOCKER_BUILDKIT", "0"), null, "docker", "build",
                    "-q", "-t", local, dir.toString());
            assertTrue(built.ok(), built.output());
            Processes.check(300, "skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", "puller:right",
                    "docker-daemon:" + local, "docker://" + remote);
            DockerCli.tryRun("rmi", "-f", local);
            ImageReference ref = ImageReference.parse(remote);

            assertThrows(EngineException.class, () -> engine().pull(ref, Optional.of(
                    new ContainerEngine.RegistryAuth("127.0.0.1:" + port, "puller", "wrong")), Duration.ofMinutes(2)));
            ContainerEngine.PullResult pulled = engine().pull(ref, Optional.of(
                    new ContainerEngine.RegistryAuth("127.0.0.1:" + port, "puller", "right")), Duration.ofMinutes(2));
            assertTrue(pulled.bytesDownloaded() >= 2 * 1024 * 1024, pulled.toString());
            assertTrue(engine().inspectImage(remote).isPresent());
            // Pulled again, every layer is on the engine: nothing to download.
            assertEquals(0, engine().pull(ref, Optional.of(new ContainerEngine.RegistryAuth("127.0.0.1:" + port,
                    "puller", "right")), Duration.ofMinutes(2)).bytesDownloaded());
        } finally {
            DockerCli.tryRun("rmi", "-f", local, remote);
            Processes.exec(30, "rm", "-rf", dir.toString());
        }
    }

    @Test
    void createsAContainerLikeATemplateAndManagesIt() {
        String template = engine().listContainers(Map.of("com.docker.compose.project", prefix)).get(0).id();
        String id = engine().createLike(template, new NewContainer(prefix + "-clone", io.slipway.deploy.testing.ModelStack.SAMPLE_MODEL,
                List.of("SAMPLE_MODEL_VERSION=8"), Map.of("slipway.color", "blue"), List.of("model-blue-1"), false));
        ContainerInfo created = engine().inspectContainer(id).orElseThrow();
        assertEquals("created", created.status());
        assertEquals("blue", created.labels().get("slipway.color"));
        assertEquals("me", created.labels().get("keep"));
        assertTrue(created.env().contains("SAMPLE_MODEL_VERSION=8"));
        assertEquals(prefix + " on-failure 3 json-file 2m [model-blue-1] map[]", DockerCli.run("inspect", "--format",
                "{{.HostConfig.NetworkMode}} {{.HostConfig.RestartPolicy.Name}} "
                        + "{{.HostConfig.RestartPolicy.MaximumRetryCount}} {{.HostConfig.LogConfig.Type}} "
                        + "{{index .HostConfig.LogConfig.Config \"max-size\"}} "
                        + "{{(index .NetworkSettings.Networks \"" + prefix + "\").Aliases}} "
                        + "{{.HostConfig.PortBindings}}", id));
        assertEquals("shareable 100663296 " + prefix + "-vol:/data", DockerCli.run("inspect", "--format",
                "{{.HostConfig.IpcMode}} {{.HostConfig.ShmSize}} {{range .Mounts}}{{.Name}}:{{.Destination}}{{end}}",
                id));

        engine().start(id);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (engine().inspectContainer(id).orElseThrow().health() != ContainerEngine.Health.HEALTHY) {
            assertTrue(System.nanoTime() < deadline, "clone never became healthy (healthcheck copied)");
            sleep();
        }
        var exec = engine().exec(id, List.of("sh", "-c", "echo $SAMPLE_MODEL_VERSION; exit 3"), Duration.ofSeconds(10));
        assertEquals(3, exec.exitCode());
        assertEquals("8", exec.output().strip());
        assertTrue(engine().logTail(id, 50).contains("started"), engine().logTail(id, 50));
        assertEquals(1, engine().listContainers(Map.of("slipway.color", "blue", "keep", "me")).stream()
                .filter(c -> c.id().equals(id)).count());

        engine().stop(id, Duration.ofSeconds(5));
        assertFalse(engine().inspectContainer(id).orElseThrow().running());
        engine().stop(id, Duration.ofSeconds(5));
        engine().remove(id);
        engine().remove(id);
        assertTrue(engine().inspectContainer(id).isEmpty());
        assertThrows(EngineException.class, () -> engine().start(id));
    }

    @Test
    void asksForAllGpusWhenTold() {
        String template = engine().listContainers(Map.of("com.docker.compose.project", prefix)).get(0).id();
        // Created only: starting needs a GPU host; the request itself is what `--gpus all` sends.
        String id = engine().createLike(template, new NewContainer(prefix + "-clone", io.slipway.deploy.testing.ModelStack.SAMPLE_MODEL,
                List.of(), Map.of(), List.of(), true));
        assertTrue(requestsAllGpus(id), "the new container asks for all GPUs");
        String plain = engine().createLike(template, new NewContainer(prefix + "-plain",
                io.slipway.deploy.testing.ModelStack.SAMPLE_MODEL, List.of(), Map.of(), List.of(), false));
        assertFalse(requestsAllGpus(plain), "a container not told to asks for no GPU");
        engine().remove(id);
        engine().remove(plain);
    }

    @Test
    void aNewContainerAsksForExactlyTheTemplatesDevicesAndRuntime() {
        // What compose makes of `deploy.resources.reservations.devices` (device ids, capabilities) and `runtime:`.
        // Created only: this engine has no GPU; the create already records the request exactly.
        String template = DockerCli.run("create", "--pull", "never", "--name", prefix + "-gpu", "--network", prefix,
                "--label", "com.docker.compose.project=" + prefix + "-gpu", "--runtime", "runc",
                "--gpus", "\"device=0,2\",\"capabilities=compute,utility\"",
                io.slipway.deploy.testing.ModelStack.SAMPLE_MODEL);
        String wanted = devicesAndRuntime(template);
        assertTrue(wanted.contains("\"DeviceIDs\":[\"0\",\"2\"]") && wanted.contains("compute"), wanted);

        String id = engine().createLike(template, new NewContainer(prefix + "-clone",
                io.slipway.deploy.testing.ModelStack.SAMPLE_MODEL, List.of(), Map.of(), List.of(), false));
        assertEquals(wanted, devicesAndRuntime(id));
        String told = engine().createLike(template, new NewContainer(prefix + "-plain",
                io.slipway.deploy.testing.ModelStack.SAMPLE_MODEL, List.of(), Map.of(), List.of(), true));
        assertEquals(wanted, devicesAndRuntime(told), "the definition's devices win over the all-GPUs override");
        assertFalse(requestsAllGpus(told));
        engine().remove(id);
        engine().remove(told);
        engine().remove(template);
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
