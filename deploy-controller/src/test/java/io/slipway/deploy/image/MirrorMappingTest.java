package io.slipway.deploy.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.deploy.engine.ImageReference;
import java.util.List;
import org.junit.jupiter.api.Test;

class MirrorMappingTest {

    private static final String DIGEST = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private final MirrorMapping mirror = MirrorMapping.of("127.0.0.1:5000", List.of("registry.example:8443=corp"));

    private String pull(String ref) {
        return mirror.map(ImageReference.parse(ref)).orElseThrow().pull().toString();
    }

    private String onMirror(String ref) {
        return mirror.map(ImageReference.parse(ref)).orElseThrow().onMirror();
    }

    @Test
    void aRegistryInTheNameBecomesTheMirrorsPrefixForIt() {
        assertEquals("127.0.0.1:5000/nvcr/nvidia/tritonserver:24.05-py3", pull("nvcr.io/nvidia/tritonserver:24.05-py3"));
        assertEquals("127.0.0.1:5000/ghcr/org/model:1", pull("ghcr.io/org/model:1"));
        assertEquals("127.0.0.1:5000/quay/org/x:latest", pull("quay.io/org/x"));
        assertEquals("127.0.0.1:5000/ecrpublic/a/b:2", pull("public.ecr.aws/a/b:2"));
        assertEquals("127.0.0.1:5000/corp/team/model:3", pull("registry.example:8443/team/model:3"));
    }

    @Test
    void dockerHubNamesGetLibraryForOnePartNames() {
        assertEquals("127.0.0.1:5000/dockerhub/library/nginx:1.27", pull("nginx:1.27"));
        assertEquals("127.0.0.1:5000/dockerhub/library/nginx:latest", pull("nginx"));
        assertEquals("127.0.0.1:5000/dockerhub/library/nginx:1.27", pull("docker.io/nginx:1.27"));
        assertEquals("127.0.0.1:5000/dockerhub/library/nginx:1.27", pull("docker.io/library/nginx:1.27"));
        assertEquals("127.0.0.1:5000/dockerhub/pytorch/torchserve:0.11", pull("pytorch/torchserve:0.11"));
        assertEquals("dockerhub/library/nginx:1.27", onMirror("nginx:1.27"));
    }

    @Test
    void digestsArePulledByDigestAndATagNextToOneOnlyNamesIt() {
        assertEquals("127.0.0.1:5000/dockerhub/library/nginx@" + DIGEST, pull("nginx@" + DIGEST));
        assertEquals("127.0.0.1:5000/dockerhub/library/nginx@" + DIGEST, pull("nginx:1.27@" + DIGEST));
        assertEquals("nvcr/nvidia/x@" + DIGEST, onMirror("nvcr.io/nvidia/x:1@" + DIGEST));
    }

    @Test
    void anImageOnTheMirrorItselfKeepsItsName() {
        assertEquals("127.0.0.1:5000/models/my-model:1.2", pull("127.0.0.1:5000/models/my-model:1.2"));
        assertEquals("127.0.0.1:5000/models/my-model:1.2", pull("localhost:5000/models/my-model:1.2"));
        assertEquals("models/my-model:1.2", onMirror("localhost:5000/models/my-model:1.2"));
    }

    @Test
    void aRegistryTheMirrorDoesNotProxyHasNoMirrorName() {
        assertTrue(mirror.map(ImageReference.parse("registry.other:5000/x:1")).isEmpty());
        assertTrue(mirror.map(ImageReference.parse("localhost:6000/x:1")).isEmpty());
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> MirrorMapping.of("http://127.0.0.1:5000", List.of()));
        assertThrows(IllegalArgumentException.class, () -> MirrorMapping.of("127.0.0.1:5000", List.of("corp")));
        assertThrows(IllegalArgumentException.class, () -> MirrorMapping.of("127.0.0.1:5000", List.of("=corp")));
    }
}
