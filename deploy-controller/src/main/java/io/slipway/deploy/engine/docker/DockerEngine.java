package io.slipway.deploy.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.EngineException;
import io.slipway.deploy.engine.ImageReference;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** {@link ContainerEngine} on the Docker Engine API through docker-java, pinned to the configured API version. */
@ApplicationScoped
public class DockerEngine implements ContainerEngine {

    /** Network modes that are not user-defined networks: Docker refuses aliases on them. */
    private static final Set<String> BUILT_IN_NETWORKS = Set.of("default", "bridge", "host", "none");

    private final DockerClient client;

    public DockerEngine(DeployConfig config) {
        DefaultDockerClientConfig clientConfig = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(config.docker().host())
                .withApiVersion(config.docker().apiVersion())
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(clientConfig.getDockerHost())
                .maxConnections(32)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(10))
                .build();
        this.client = DockerClientImpl.getInstance(clientConfig, http);
    }

    @Override
    public EngineInfo ping() {
        return call("Docker engine does not answer", () -> {
            client.pingCmd().exec();
            Version version = client.versionCmd().exec();
            return new EngineInfo(version.getVersion(), version.getApiVersion());
        });
    }

    @Override
    public Optional<ImageInfo> inspectImage(String reference) {
        return call("inspect image " + reference, () -> {
            try {
                InspectImageResponse image = client.inspectImageCmd(reference).exec();
                List<String> env = image.getConfig() == null || image.getConfig().getEnv() == null
                        ? List.of() : List.of(image.getConfig().getEnv());
                return Optional.of(new ImageInfo(image.getId(), orEmpty(image.getRepoDigests()), env));
            } catch (NotFoundException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public PullResult pull(ImageReference reference, Optional<RegistryAuth> auth, Duration timeout) {
        return call("pull " + reference, () -> {
            String tagOrDigest = reference.digest().orElse(reference.tagOrDefault());
            var cmd = client.pullImageCmd(reference.repository()).withTag(tagOrDigest);
            auth.ifPresent(a -> cmd.withAuthConfig(new AuthConfig().withRegistryAddress(a.server())
                    .withUsername(a.username()).withPassword(a.password())));
            PullProgress progress = cmd.exec(new PullProgress());
            if (!progress.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                progress.close();
                throw new EngineException("pull of " + reference + " took longer than " + timeout, null);
            }
            return new PullResult(progress.bytesDownloaded());
        });
    }

    /** Counts what a pull downloads: the largest "Downloading" total seen per layer (layers it has report none). */
    private static final class PullProgress extends PullImageResultCallback {
        private final Map<String, Long> layerBytes = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void onNext(PullResponseItem item) {
            if (item.getId() != null && "Downloading".equals(item.getStatus()) && item.getProgressDetail() != null
                    && item.getProgressDetail().getTotal() != null) {
                layerBytes.merge(item.getId(), item.getProgressDetail().getTotal(), Math::max);
            }
            super.onNext(item);
        }

        long bytesDownloaded() {
            return layerBytes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Override
    public void tagImage(String source, ImageReference target) {
        call("tag " + source + " as " + target, () -> {
            client.tagImageCmd(source, target.repository(), target.tagOrDefault()).withForce(true).exec();
            return null;
        });
    }

    @Override
    public List<ContainerInfo> listContainers(Map<String, String> labels) {
        return call("list containers", () -> {
            List<ContainerInfo> found = new ArrayList<>();
            for (var c : client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec()) {
                inspectContainer(c.getId()).ifPresent(found::add);
            }
            return found;
        });
    }

    @Override
    public Optional<ContainerInfo> inspectContainer(String idOrName) {
        return call("inspect container " + idOrName, () -> {
            try {
                return Optional.of(toInfo(client.inspectContainerCmd(idOrName).exec()));
            } catch (NotFoundException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public String createLike(String templateId, NewContainer spec) {
        return call("create container " + spec.name(), () -> {
            InspectContainerResponse template = client.inspectContainerCmd(templateId).exec();
            HostConfig host = template.getHostConfig();
            // Colors run side by side: published ports would clash, and model services are reached through nginx.
            host.withPortBindings(new Ports()).withPublishAllPorts(false);
            // The template's (the compose definition's) device requests and runtime come with its HostConfig: the new
            // color asks for exactly the GPUs the definition asks for. DEPLOY_GPU_SERVICES only fills in a definition
            // that asks for none.
            if (spec.allGpus() && (host.getDeviceRequests() == null || host.getDeviceRequests().isEmpty())) {
                host.withDeviceRequests(List.of(new DeviceRequest().withDriver("").withCount(-1)
                        .withCapabilities(List.of(List.of("gpu")))));
            }
            Map<String, String> labels = new LinkedHashMap<>(orEmpty(template.getConfig().getLabels()));
            labels.putAll(spec.labels());
            String primary = host.getNetworkMode();
            CreateContainerCmd create = client.createContainerCmd(spec.image())
                    .withName(spec.name())
                    .withEnv(spec.env())
                    .withLabels(labels)
                    .withHostConfig(host)
                    .withHealthcheck(template.getConfig().getHealthcheck());
            Map<String, ContainerNetwork> networks = template.getNetworkSettings() == null
                    ? Map.of() : orEmpty(template.getNetworkSettings().getNetworks());
            if (primary != null && !BUILT_IN_NETWORKS.contains(primary)) {
                create.withAliases(aliases(networks.get(primary), spec));
            }
            String id = create.exec().getId();
            try {
                for (var network : networks.entrySet()) {
                    if (!network.getKey().equals(primary) && !BUILT_IN_NETWORKS.contains(network.getKey())) {
                        client.connectToNetworkCmd().withContainerId(id).withNetworkId(network.getKey())
                                .withContainerNetwork(new ContainerNetwork()
                                        .withAliases(aliases(network.getValue(), spec))).exec();
                    }
                }
            } catch (RuntimeException e) {
                remove(id);
                throw e;
            }
            return id;
        });
    }

    @Override
    public void start(String id) {
        call("start " + id, () -> {
            client.startContainerCmd(id).exec();
            return null;
        });
    }

    @Override
    public void stop(String id, Duration timeout) {
        call("stop " + id, () -> {
            try {
                client.stopContainerCmd(id).withTimeout((int) Math.max(1, timeout.toSeconds())).exec();
            } catch (NotFoundException | NotModifiedException e) {
                // already gone or already stopped: the goal is reached
            }
            return null;
        });
    }

    @Override
    public void remove(String id) {
        call("remove " + id, () -> {
            try {
                client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException e) {
                // already gone
            }
            return null;
        });
    }

    @Override
    public String logTail(String id, int lines) {
        return call("logs of " + id, () -> {
            StringBuilder out = new StringBuilder();
            client.logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(lines)
                    .exec(collect(out)).awaitCompletion(10, TimeUnit.SECONDS);
            return out.toString();
        });
    }

    @Override
    public ExecResult exec(String id, List<String> command, Duration timeout) {
        return call("exec in " + id, () -> {
            String execId = client.execCreateCmd(id).withCmd(command.toArray(String[]::new))
                    .withAttachStdout(true).withAttachStderr(true).exec().getId();
            StringBuilder out = new StringBuilder();
            boolean done = client.execStartCmd(execId).exec(collect(out))
                    .awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                throw new EngineException("'" + String.join(" ", command) + "' took longer than " + timeout, null);
            }
            Long exit = client.inspectExecCmd(execId).exec().getExitCodeLong();
            return new ExecResult(exit == null ? -1 : exit.intValue(), out.toString());
        });
    }

    @PreDestroy
    void close() throws IOException {
        client.close();
    }

    /**
     * Only the new container's own aliases: the template's (the bare compose service name) would make that name resolve
     * to both colors while they overlap.
     */
    private static List<String> aliases(ContainerNetwork existing, NewContainer spec) {
        return List.copyOf(spec.aliases());
    }

    private static ContainerInfo toInfo(InspectContainerResponse c) {
        var state = c.getState();
        Health health = Health.NONE;
        if (state.getHealth() != null && state.getHealth().getStatus() != null) {
            health = switch (state.getHealth().getStatus()) {
                case "healthy" -> Health.HEALTHY;
                case "unhealthy" -> Health.UNHEALTHY;
                case "starting" -> Health.STARTING;
                default -> Health.NONE;
            };
        }
        Long exit = state.getExitCodeLong();
        String name = c.getName() != null && c.getName().startsWith("/") ? c.getName().substring(1) : c.getName();
        List<String> env = c.getConfig().getEnv() == null ? List.of() : List.of(c.getConfig().getEnv());
        return new ContainerInfo(c.getId(), name, c.getConfig().getImage(), c.getImageId(), state.getStatus(),
                Boolean.TRUE.equals(state.getRunning()), exit == null ? 0 : exit.intValue(), health,
                orEmpty(c.getConfig().getLabels()), env, Instant.parse(c.getCreated()));
    }

    private static ResultCallback.Adapter<Frame> collect(StringBuilder out) {
        return new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                synchronized (out) {
                    out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
            }
        };
    }

    private static <T> T call(String what, Callable<T> action) {
        try {
            return action.call();
        } catch (EngineException e) {
            throw e;
        } catch (NotFoundException e) {
            throw new EngineException(what + ": not found: " + e.getMessage(), e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(what + ": interrupted", e);
        } catch (Exception e) {
            throw new EngineException(what + ": " + e.getMessage(), e);
        }
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    /** An engine call; the docker-java waits may be interrupted. */
    @FunctionalInterface
    private interface Callable<T> {
        T call() throws Exception;
    }
}
