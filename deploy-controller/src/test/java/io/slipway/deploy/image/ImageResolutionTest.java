package io.slipway.deploy.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.deploy.engine.ContainerEngine.RegistryAuth;
import io.slipway.deploy.engine.ImageReference;
import io.slipway.deploy.fakes.FakeContainerEngine;
import io.slipway.deploy.fakes.FakeMirrorClient;
import io.slipway.deploy.fakes.Journal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a deploy gets its image, on fakes of the engine and the mirror (the order of calls is the point). */
class ImageResolutionTest {

    private static final String MIRROR = "127.0.0.1:5000";
    private static final String D1 = "sha256:" + "1".repeat(64);
    private final Journal journal = new Journal();
    private final FakeContainerEngine engine = new FakeContainerEngine(journal);
    private final FakeMirrorClient mirror = new FakeMirrorClient(journal);
    private final List<String> log = new ArrayList<>();
    private final ImageResolution resolution = new ImageResolution(engine,
            Optional.of(MirrorMapping.of(MIRROR, List.of())), Optional.of(mirror),
            Optional.of(new RegistryAuth(MIRROR, "slipway", "secret")), Optional.of("linux/amd64"),
            Duration.ofMinutes(1), Clock.systemUTC());

    private ImageResolution.Resolved resolve(String image) {
        return resolution.resolve(ImageReference.parse(image), (step, message) -> log.add(step + ": " + message));
    }

    @Test
    void aTagIsPrefetchedThenPulledFromTheMirrorWithItsCredentialsAndNamedAsAskedFor() {
        mirror.has("dockerhub/library/nginx:1.27", D1, 4096);
        engine.pullable(MIRROR + "/dockerhub/library/nginx:1.27", "img-new", MIRROR + "/dockerhub/library/nginx@" + D1,
                3 * 1024 * 1024);
        engine.pulledImage("nginx:1.27", "img-old", "nginx@sha256:" + "0".repeat(64)); // older, same tag

        ImageResolution.Resolved r = resolve("nginx:1.27");

        assertEquals(List.of("mirror.prefetch dockerhub/library/nginx:1.27 linux/amd64",
                "engine.pull " + MIRROR + "/dockerhub/library/nginx:1.27 as slipway", "engine.tag nginx:1.27"),
                journal.entries());
        assertEquals("img-new", r.info().id(), "the tag was resolved afresh, not the engine's old copy");
        assertEquals("nginx:1.27", r.runAs());
        assertEquals("nginx@" + D1, r.digest());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("pull: pulled " + MIRROR + "/dockerhub/library/nginx:1.27: "
                + "3.0 MiB downloaded in ")), String.join("\n", log));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("prefetch: mirror has dockerhub/library/nginx:1.27 at " + D1
                + ": 3 blobs, 976.6 KiB, 4.0 KiB of them fetched from the upstream now")), String.join("\n", log));
    }

    @Test
    void aDigestIsPulledByDigestAndRunAsItIs() {
        mirror.has("nvcr/nvidia/x@" + D1, D1, 0);
        engine.pullable(MIRROR + "/nvcr/nvidia/x@" + D1, "img-x", MIRROR + "/nvcr/nvidia/x@" + D1, 0);
        ImageResolution.Resolved r = resolve("nvcr.io/nvidia/x@" + D1);
        assertEquals(MIRROR + "/nvcr/nvidia/x@" + D1, r.runAs());
        assertEquals("nvcr.io/nvidia/x@" + D1, r.digest());
        assertTrue(journal.entries().stream().noneMatch(e -> e.startsWith("engine.tag")));
    }

    @Test
    void anImageBuiltOnThisEngineIsDeployedAsItIsAndNeverLookedUpOnDockerHub() {
        engine.image("slipway/sample-model:dev", "img-local", List.of());
        ImageResolution.Resolved r = resolve("slipway/sample-model:dev");
        assertEquals("img-local", r.info().id());
        assertEquals("", r.digest());
        assertEquals(List.of(), journal.entries());
    }

    @Test
    void anImageTheMirrorCannotSupplyIsDeployedFromTheEnginesCopy() {
        engine.pulledImage("127.0.0.1:5000/models/m:1", "img-m", "127.0.0.1:5000/models/m@" + D1);
        assertEquals("img-m", resolve("127.0.0.1:5000/models/m:1").info().id());
        assertEquals(List.of("mirror.prefetch models/m:1 linux/amd64"), journal.entries());
    }

    @Test
    void anImageNobodyHasFailsWithoutPullingAnything() {
        ImageUnavailableException e = assertThrows(ImageUnavailableException.class,
                () -> resolve("team/nobody-has-this:1"));
        assertTrue(e.getMessage().contains("neither the mirror nor its upstream has dockerhub/team/nobody-has-this:1"),
                e.getMessage());
        assertEquals(List.of("mirror.prefetch dockerhub/team/nobody-has-this:1 linux/amd64"), journal.entries());
    }

    @Test
    void whenTheMirrorIsDownTheEnginesCopyDeploysAndWithoutOneTheDeployFails() {
        mirror.failWith(MirrorException.Kind.UNREACHABLE);
        engine.pulledImage("nginx:1.27", "img-old", "nginx@" + D1);
        assertEquals("img-old", resolve("nginx:1.27").info().id());
        assertThrows(ImageUnavailableException.class, () -> resolve("nginx:1.28"));
    }

    @Test
    void aRegistryTheMirrorDoesNotProxyIsPulledDirectly() {
        engine.pullable("registry.other:5000/x:1", "img-o", "registry.other:5000/x@" + D1, 10);
        ImageResolution.Resolved r = resolve("registry.other:5000/x:1");
        assertEquals("img-o", r.info().id());
        assertEquals("registry.other:5000/x@" + D1, r.digest());
        assertEquals(List.of("engine.pull registry.other:5000/x:1"), journal.entries());
    }

    @Test
    void withoutAMirrorTheEnginesImageIsUsedAndPulledOnlyWhenMissing() {
        ImageResolution direct = new ImageResolution(engine, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Duration.ofMinutes(1), Clock.systemUTC());
        engine.image("slipway/sample-model:1", "img-1", List.of());
        assertEquals("img-1", direct.resolve(ImageReference.parse("slipway/sample-model:1"), (s, m) -> {}).info().id());
        assertEquals(List.of(), journal.entries());
        assertThrows(ImageUnavailableException.class,
                () -> direct.resolve(ImageReference.parse("slipway/sample-model:missing"), (s, m) -> {}));
        assertEquals(List.of("engine.pull slipway/sample-model:missing"), journal.entries());
    }
}
