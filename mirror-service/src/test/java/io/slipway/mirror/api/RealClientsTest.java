package io.slipway.mirror.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Requirements;
import io.slipway.mirror.support.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The real Docker engine and skopeo push to and pull from the mirror on 127.0.0.1 (a local repository). */
@QuarkusTest
class RealClientsTest {

    private final ObjectMapper json = new ObjectMapper();

    private String registry() {
        return "127.0.0.1:" + RestAssured.port;
    }

    @Test
    void dockerPushThenPullOfALocalRepository() throws Exception {
        Requirements.require(Part.DOCKER_ENGINE);
        String image = TestImages.build(3, 200_000);
        String remote = registry() + "/t/docker-" + UUID.randomUUID().toString().substring(0, 8) + ":v1";
        Path pushConfig = Files.createTempDirectory("slipway-t-mirror-docker");
        Path anonymousConfig = Files.createTempDirectory("slipway-t-mirror-docker-anon");
        try {
            Processes.check(60, "docker", "tag", image, remote);
            Processes.Result denied = Processes.exec(120, "docker", "--config", anonymousConfig.toString(), "push",
                    remote);
            assertFalse(denied.ok(), "anonymous push must be refused: " + denied.output());
            Processes.Result login = Processes.exec(60, Map.of(), "test-secret", "docker", "--config",
                    pushConfig.toString(), "login", registry(), "-u", "slipway", "--password-stdin");
            assertTrue(login.ok(), login.output());
            Processes.check(300, "docker", "--config", pushConfig.toString(), "push", remote);
            String id = TestImages.imageId(remote);
            TestImages.remove(remote);
            TestImages.remove(image);
            // Anonymous pull (no credentials in this client config).
            Processes.check(300, "docker", "--config", anonymousConfig.toString(), "pull", remote);
            assertEquals(id, TestImages.imageId(remote));
            // Pushing again: every layer already exists.
            String again = Processes.check(300, "docker", "--config", pushConfig.toString(), "push", remote);
            assertTrue(again.contains("Layer already exists"), again);
        } finally {
            TestImages.remove(remote, image);
            Processes.exec(30, "rm", "-rf", pushConfig.toString(), anonymousConfig.toString());
        }
    }

    @Test
    void skopeoCopiesDockerAndOciFormatsAndInspects() throws Exception {
        Requirements.require(Part.DOCKER_ENGINE, Part.SKOPEO);
        String image = TestImages.build(2, 50_000);
        String repo = registry() + "/t/skopeo-" + UUID.randomUUID().toString().substring(0, 8);
        Path layout = Files.createTempDirectory("slipway-t-mirror-oci");
        try {
            Processes.check(300, "skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", "slipway:test-secret",
                    "docker-daemon:" + image, "docker://" + repo + ":docker");
            Processes.check(300, "skopeo", "copy", "--format", "oci", "--dest-tls-verify=false", "--dest-creds",
                    "slipway:test-secret", "docker-daemon:" + image, "docker://" + repo + ":oci");
            JsonNode docker = json.readTree(Processes.check(60, "skopeo", "inspect", "--tls-verify=false", "--raw",
                    "docker://" + repo + ":docker"));
            assertEquals("application/vnd.docker.distribution.manifest.v2+json", docker.path("mediaType").asText());
            JsonNode oci = json.readTree(Processes.check(60, "skopeo", "inspect", "--tls-verify=false", "--raw",
                    "docker://" + repo + ":oci"));
            assertEquals("application/vnd.oci.image.manifest.v1+json", oci.path("mediaType").asText());
            JsonNode inspected = json.readTree(Processes.check(60, "skopeo", "inspect", "--tls-verify=false",
                    "docker://" + repo + ":oci"));
            assertEquals(2, inspected.path("Layers").size());
            // Pull back into an OCI layout: skopeo verifies every digest.
            Processes.check(300, "skopeo", "copy", "--src-tls-verify=false", "docker://" + repo + ":oci",
                    "oci:" + layout + ":back");
            assertTrue(Files.exists(layout.resolve("index.json")));
            JsonNode tags = json.readTree(Processes.check(60, "skopeo", "list-tags", "--tls-verify=false",
                    "docker://" + repo));
            assertEquals("[\"docker\",\"oci\"]", tags.path("Tags").toString());
        } finally {
            TestImages.remove(image);
            Processes.exec(30, "rm", "-rf", layout.toString());
        }
    }
}
