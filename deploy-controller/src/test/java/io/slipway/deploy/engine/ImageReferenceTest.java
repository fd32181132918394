package io.slipway.deploy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    @Test
    void parsesTheOciGrammar() {
        ImageReference plain = ImageReference.parse("slipway/sample-model");
        assertEquals(Optional.empty(), plain.domain());
        assertEquals("slipway/sample-model", plain.path());
        assertEquals("slipway/sample-model:latest", plain.toString());

        ImageReference full = ImageReference.parse("registry.local:5000/team/model_a.b:v2.1-rc@sha256:"
                + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        assertEquals(Optional.of("registry.local:5000"), full.domain());
        assertEquals("team/model_a.b", full.path());
        assertEquals(Optional.of("v2.1-rc"), full.tag());
        assertTrue(full.digest().orElseThrow().startsWith("sha256:0123"));
        assertEquals("registry.local:5000/team/model_a.b", full.repository());

        assertEquals(Optional.of("localhost"), ImageReference.parse("localhost/x:1").domain());
    }

    @Test
    void refusesWhatIsNotAReference() {
        for (String bad : new String[] {"", " ", "upper/CASE", "UPPER", "a b", "x;rm -rf /", "x:tag with space", "-x",
                "x@sha256:short", "x:" + "t".repeat(129), "$(id)", "x/../y", "x//y", "a".repeat(256)}) {
            assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(bad), bad);
        }
    }
}
