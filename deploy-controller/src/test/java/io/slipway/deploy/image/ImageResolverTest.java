package io.slipway.deploy.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.deploy.engine.ImageReference;
import io.slipway.deploy.fakes.FakeContainerEngine;
import io.slipway.deploy.fakes.FakeDeployConfig;
import io.slipway.deploy.fakes.FakeMirrorClient;
import io.slipway.deploy.fakes.Journal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a deploy gets its image ({@link ImageResolver}), on fakes of the engine and the mirror (the order of calls is the point). */
class ImageResolverTest {

    private static final String MIRROR = "127.0.0.1:5000";
    private static final String D1 = "sha256:" + "1".repeat(64);
    private final Journal journal = new Journal();
    private final FakeContainerEngine engine = new FakeContainerEngine(journal);
    private final FakeMirrorClient mirror = new FakeMirrorClient(journal);
    private final List<String> log = new ArrayList<>();
    private final ImageResolver resolver = new ImageResolver(engine,
            new FakeDeployConfig().withMirror(MIRROR, "secret", "linux/amd64"), Optional.of(mirror),
            Clock.systemUTC());

    private ImageResolver.ResolvedImage resolve(String image) {
        return resolver.resolve(ImageReference.parse(image), Optional.empty(),
                (step, message) -> log.add(step + ": " + message));
    }

    @Test
    void aTagIsPrefetchedThenPulledFromTheMirrorWithItsCredentialsAndNamedAsAskedFor() {
        mirror.has("dockerhub/library/nginx:1.27", D1, 4096);
        engine.pullable(MIRROR + "/dockerhub/library/nginx:1.27", "img-new", MIRROR + "/dockerhub/library/nginx@" + D1,
                3 * 1024 * 1024);
        engine.pulledImage("nginx:1.27", "img-old", "nginx@sha256:" + "0".repeat(64)); // older, same tag

        ImageResolver.ResolvedImage r = resolve("nginx:1.27");

        // Prefetch and pull run at the same time (the engine joins the mirror's downloads); the tag comes last.
        List<String> calls = journal.entries();
        assertEquals(Set.of("mirror.prefetch dockerhub/library/nginx:1.27 linux/amd64",
                "engine.pull " + MIRROR + "/dockerhub/library/nginx:1.27 as slipway"), Set.copyOf(calls.subList(0, 2)));
        assertEquals(List.of("engine.tag nginx:1.27"), calls.subList(2, calls.size()));
        assertEquals("img-new", r.info().id(), "the tag was resolved afresh, not the engine's old copy");
        assertEquals("nginx:1.27", r.runAs());
        assertEquals(D1, r.digest());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("pull: pulled " + MIRROR + "/dockerhub/library/nginx:1.27: "
                + "3.0 MiB downloaded in ")), String.join("\n", log));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("prefetch: mirror has dockerhub/library/nginx:1.27 at " + D1
                + ": 3 blobs, 976.6 KiB, 4.0 KiB of them fetched from the upstream now")), String.join("\n", log));
    }

    @Test
    void aDigestIsPulledByDigestAndRunAsItIs() {
        mirror.has("nvcr/nvidia/x@" + D1, D1, 0);
        engine.pullable(MIRROR + "/nvcr/nvidia/x@" + D1, "img-x", MIRROR + "/nvcr/nvidia/x@" + D1, 0);
        ImageResolver.ResolvedImage r = resolve("nvcr.io/nvidia/x@" + D1);
        assertEquals(MIRROR + "/nvcr/nvidia/x@" + D1, r.runAs());
        assertEquals(D1, r.digest());
        assertTrue(journal.entries().stream().noneMatch(e -> e.startsWith("engine.tag")));
    }

    @Test
    void anImageBuiltOnThisEngineIsDeployedAsItIsAndNeverLookedUpOnDockerHub() {
        engine.image("slipway/sample-model:dev", "img-local", List.of());
        ImageResolver.ResolvedImage r = resolve("slipway/sample-model:dev");
        assertEquals("img-local", r.info().id());
        assertEquals("", r.digest());
        assertEquals(List.of(), journal.entries());
    }

    @Test
    void anImageTheMirrorCannotSupplyIsDeployedFromTheEnginesCopy() {
        engine.pulledImage("127.0.0.1:5000/models/m:1", "img-m", "127.0.0.1:5000/models/m@" + D1);
        assertEquals("img-m", resolve("127.0.0.1:5000/models/m:1").info().id());
        assertTrue(journal.entries().contains("mirror.prefetch models/m:1 linux/amd64"), journal.entries().toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("using the engine's own copy")), String.join("\n", log));
    }

    @Test
    void anImageNobodyHasFailsAndNothingIsTagged() {
        ImageResolver.ImageException e = assertThrows(ImageResolver.ImageException.class,
                () -> resolve("team/nobody-has-this:1"));
        assertTrue(e.getMessage().contains("neither the mirror nor its upstream has dockerhub/team/nobody-has-this:1"),
                e.getMessage());
        assertEquals(Set.of("mirror.prefetch dockerhub/team/nobody-has-this:1 linux/amd64",
                "engine.pull " + MIRROR + "/dockerhub/team/nobody-has-this:1 as slipway"), Set.copyOf(journal.entries()));
    }

    @Test
    void whenTheMirrorIsDownTheEnginesCopyDeploysAndWithoutOneTheDeployFails() {
        mirror.failWith(MirrorException.Kind.UNREACHABLE);
        engine.pulledImage("nginx:1.27", "img-old", "nginx@" + D1);
        assertEquals("img-old", resolve("nginx:1.27").info().id());
        assertThrows(ImageResolver.ImageException.class, () -> resolve("nginx:1.28"));
    }

    @Test
    void whenTheEngineCannotPullFromTheMirrorItsOwnCopyDeploysAndWithoutOneTheDeployFails() {
        mirror.has("dockerhub/library/nginx:1.27", D1, 0); // the mirror has it, but the engine cannot reach it
        engine.pulledImage("nginx:1.27", "img-old", "nginx@" + D1);
        assertEquals("img-old", resolve("nginx:1.27").info().id());
        assertTrue(log.stream().anyMatch(l -> l.contains("the engine could not pull " + MIRROR
                + "/dockerhub/library/nginx:1.27 from the mirror")), String.join("\n", log));
        mirror.has("dockerhub/library/nginx:1.28", D1, 0);
        ImageResolver.ImageException e = assertThrows(ImageResolver.ImageException.class,
                () -> resolve("nginx:1.28"));
        assertTrue(e.getMessage().contains("this engine has no copy of it"), e.getMessage());
    }

    @Test
    void aRegistryTheMirrorDoesNotProxyIsPulledDirectly() {
        engine.pullable("registry.other:5000/x:1", "img-o", "registry.other:5000/x@" + D1, 10);
        ImageResolver.ResolvedImage r = resolve("registry.other:5000/x:1");
        assertEquals("img-o", r.info().id());
        assertEquals(D1, r.digest());
        assertEquals(List.of("engine.pull registry.other:5000/x:1"), journal.entries());
    }

    @Test
    void withoutAMirrorTheEnginesImageIsUsedAndPulledOnlyWhenMissing() {
        ImageResolver direct = new ImageResolver(engine, new FakeDeployConfig());
        engine.image("slipway/sample-model:1", "img-1", List.of());
        assertEquals("img-1", direct.resolve(ImageReference.parse("slipway/sample-model:1"), Optional.empty(), (s, m) -> {}).info().id());
        assertEquals(List.of(), journal.entries());
        assertThrows(ImageResolver.ImageException.class,
                () -> direct.resolve(ImageReference.parse("slipway/sample-model:missing"), Optional.empty(),
                        (s, m) -> {}));
        assertEquals(List.of("engine.pull slipway/sample-model:missing"), journal.entries());
    }
}
