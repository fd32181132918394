package io.slipway.mirror.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.mirror.support.DistributionRegistry;
import io.slipway.mirror.support.MirrorProcess;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Requirements;
import io.slipway.mirror.support.SecondDockerEngine;
import io.slipway.mirror.support.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker daemon mirror mode with a real engine: a private dockerd started with {@code --registry-mirror} pulls Docker
 * Hub names ({@code <name>}, {@code user/<name>}) unchanged, and gets them through the packaged mirror from its default
 * upstream (a real distribution registry standing in for Docker Hub). The upstream is configured the way a container
 * gets it, by environment variables.
 */
class DaemonMirrorModeIT {

    @TempDir
    Path work;

    @Test
    void anEngineWithRegistryMirrorsPullsDockerHubNamesThroughTheMirrorAndFromItsCacheWhenTheUpstreamIsDown()
            throws Exception {
        Requirements.require(Part.DOCKER_ENGINE, Part.DOCKER_REGISTRY, Part.SKOPEO, Part.DOCKERD, Part.IPROUTE2);
        boolean hadDocker0 = Processes.exec(30, "ip", "link", "show", "docker0").ok();
        String name = "slipway-t-probe-" + UUID.randomUUID().toString().substring(0, 8);
        String image = TestImages.build(2, 200_000);
        String id = TestImages.imageId(image);
        try (DistributionRegistry upstream = DistributionRegistry.anonymous()) {
            for (String repo : new String[] {"library/" + name, "slipwaytest/" + name}) {
                Processes.check(300, "skopeo", "copy", "-q", "--dest-tls-verify=false", "docker-daemon:" + image,
                        "docker://" + upstream.hostPort() + "/" + repo + ":v1");
            }
            try (MirrorProcess mirror = new MirrorProcess(work.resolve("store"), "256m", Map.of())
                    .withEnv(Map.of("MIRROR_UPSTREAMS_DOCKERHUB_URL", upstream.url(),
                            "MIRROR_PROXY_DEFAULT_UPSTREAM", "dockerhub",
                            // Every tag request re-validates, so the last pull below is a real stale-if-error.
                            "MIRROR_PROXY_TAG_TTL", "0S"))
                    .start();
                    SecondDockerEngine engine = SecondDockerEngine.start(mirror.url())) {
                // An official image by its short name, and a user image: both are Docker Hub names.
                pull(engine, name + ":v1");
                assertEquals(id, imageId(engine, name + ":v1"));
                pull(engine, "slipwaytest/" + name + ":v1");
                assertEquals(id, imageId(engine, "slipwaytest/" + name + ":v1"));
                // The engine knows only the mirror; the upstream saw the mirror fetch the manifests.
                assertEquals(1, upstream.count("GET", "/v2/library/" + name + "/manifests/v1", 200));
                // The cache is the same one prefix mode reads.
                assertEquals(200, status(mirror.url() + "/v2/dockerhub/library/" + name + "/manifests/v1"));

                upstream.stop();
                engine.docker(60, "rmi", "-f", name + ":v1", "slipwaytest/" + name + ":v1");
                assertTrue(engine.docker(30, "image", "inspect", name + ":v1").output().contains("No such image"));
                pull(engine, name + ":v1");
                assertEquals(id, imageId(engine, name + ":v1"), "served from the mirror's cache, upstream down");
            }
        } finally {
            TestImages.remove(image);
        }
        // The second engine must leave the machine's own engine as it was: its bridge is still there.
        assertEquals(hadDocker0, Processes.exec(30, "ip", "link", "show", "docker0").ok(),
                "the host engine's docker0 bridge is as it was");
    }

    private static void pull(SecondDockerEngine engine, String ref) {
        Processes.Result r = engine.docker(300, "pull", ref);
        assertTrue(r.ok(), "docker pull " + ref + " through the mirror failed:\n" + r.output() + "\ndockerd log:\n"
                + engine.log());
    }

    private static String imageId(SecondDockerEngine engine, String ref) {
        Processes.Result r = engine.docker(60, "image", "inspect", "--format", "{{.Id}}", ref);
        assertTrue(r.ok(), r.output());
        return r.output().trim();
    }

    private static int status(String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json").build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
