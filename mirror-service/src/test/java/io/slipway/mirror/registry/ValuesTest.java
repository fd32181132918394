package io.slipway.mirror.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void repositoryNamesFollowTheSpecGrammar() {
        for (String ok : new String[] {"a", "library/nginx", "a.b/c_d/e__f/g-h--i", "0/1/2"}) {
            assertEquals(ok, RepositoryName.of(ok).value());
        }
        for (String bad : new String[] {"", "../x", "a/../x", "a/./b", "A", "a//b", "/a", "a/", "-a", "a-", "a_-b",
                "a..b", "a%2fb", "x".repeat(256)}) {
            RegistryException e = assertThrows(RegistryException.class, () -> RepositoryName.of(bad), bad);
            assertEquals(ErrorCode.NAME_INVALID, e.code());
        }
        assertEquals(255, RepositoryName.of("x".repeat(255)).value().length());
    }

    @Test
    void digestsAreSha256OrSha512InCanonicalHex() {
        Digest d = Digest.parse("sha256:" + "a".repeat(64));
        assertEquals("sha256", d.algorithm());
        Digest.parse("sha512:" + "0".repeat(128));
        for (String bad : new String[] {"sha256:" + "A".repeat(64), "sha256:" + "a".repeat(63), "md5:" + "a".repeat(32),
                "sha256", ":" + "a".repeat(64), "sha512:" + "a".repeat(64)}) {
            RegistryException e = assertThrows(RegistryException.class, () -> Digest.parse(bad), bad);
            assertEquals(ErrorCode.DIGEST_INVALID, e.code());
        }
        assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                Digest.sha256(new byte[0]).toString());
    }

    @Test
    void tagsFollowTheSpecGrammar() {
        new Tag("v1.0_rc-1");
        new Tag("_x");
        assertThrows(RegistryException.class, () -> new Tag(".x"));
        assertThrows(RegistryException.class, () -> new Tag("a".repeat(129)));
        assertThrows(RegistryException.class, () -> new Tag("a/b"));
    }
}
