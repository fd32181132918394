package io.slipway.deploy.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The container engine, reduced to the verbs deploys need. Callers never see the transport; every failure is an
 * {@link EngineException}.
 */
public interface ContainerEngine {

    /** Engine version and API version; throws {@link EngineException} when the engine does not answer. */
    EngineInfo ping();

    /** The local image, or empty when the engine does not have it. */
    Optional<ImageInfo> inspectImage(String reference);

    /** Pulls the image; throws when it cannot be pulled within {@code timeout}. */
    default void pullImage(ImageReference reference, Duration timeout) {
        pull(reference, Optional.empty(), timeout);
    }

    /**
     * Pulls the image, logging in to its registry with {@code auth} when given; answers how many bytes the engine
     * downloaded (layers it already had cost nothing). Throws when it cannot be pulled within {@code timeout}.
     */
    PullResult pull(ImageReference reference, Optional<RegistryAuth> auth, Duration timeout);

    /** Gives the local image {@code source} the additional name {@code target}. */
    void tagImage(String source, ImageReference target);

    /** All containers (running or not) carrying every one of {@code labels}. */
    List<ContainerInfo> listContainers(Map<String, String> labels);

    /** The container, or empty when there is none by that id or name. */
    Optional<ContainerInfo> inspectContainer(String idOrName);

    /**
     * Creates (does not start) a container from the definition of {@code templateId}: its networks, volumes, restart
     * policy, logging, ipc, devices and healthcheck, with the image, env, labels and aliases of {@code spec}.
     * Published ports are not copied. Returns the new container's id.
     */
    String createLike(String templateId, NewContainer spec);

    void start(String id);

    /** Stops with SIGTERM, then SIGKILL after {@code timeout}; a stopped container is fine. */
    void stop(String id, Duration timeout);

    /** Removes the container (running or not) and its anonymous volumes; a missing one is fine. */
    void remove(String id);

    /** The last {@code lines} lines of the container's output (stdout and stderr). */
    String logTail(String id, int lines);

    /** Runs {@code command} (an argument vector; no shell is involved) inside a running container. */
    ExecResult exec(String id, List<String> command, Duration timeout);

    record EngineInfo(String version, String apiVersion) {}

    /** Credentials for one registry ({@code server} as in the image name, e.g. {@code 127.0.0.1:5000}). */
    record RegistryAuth(String server, String username, String password) {
        @Override
        public String toString() {
            return "RegistryAuth[" + server + ", " + username + "]"; // never the password
        }
    }

    /** What a pull cost: the bytes of the layers the engine downloaded. */
    record PullResult(long bytesDownloaded) {}

    record ImageInfo(String id, List<String> repoDigests, List<String> env) {}

    enum Health { NONE, STARTING, HEALTHY, UNHEALTHY }

    record ContainerInfo(String id, String name, String image, String imageId, String status, boolean running,
                         int exitCode, Health health, Map<String, String> labels, List<String> env,
                         Instant created) {}

    /**
     * A container to create: name, image and full environment; labels and network aliases added to the template's.
     * Everything else (device requests, runtime, mounts...) is the template's; {@code allGpus} asks for every GPU
     * only when the template asks for no device.
     */
    record NewContainer(String name, String image, List<String> env, Map<String, String> labels,
                        List<String> aliases, boolean allGpus) {}

    record ExecResult(int exitCode, String output) {}
}
