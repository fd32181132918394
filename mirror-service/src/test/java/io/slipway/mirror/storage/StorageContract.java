package io.slipway.mirror.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract every {@link Storage} implementation passes (filesystem now, S3 later). */
public abstract class StorageContract {

    protected abstract Storage storage();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void putGetStatDelete() throws Exception {
        Storage s = storage();
        assertTrue(s.stat("a/b/c").isEmpty());
        assertThrows(StorageNotFoundException.class, () -> s.getContent("a/b/c"));
        s.putContent("a/b/c", bytes("hello"));
        assertArrayEquals(bytes("hello"), s.getContent("a/b/c"));
        assertEquals(5, s.stat("a/b/c").orElseThrow().size());
        s.putContent("a/b/c", bytes("replaced"));
        assertArrayEquals(bytes("replaced"), s.getContent("a/b/c"));
        s.delete("a/b/c");
        assertTrue(s.stat("a/b/c").isEmpty());
        assertThrows(StorageNotFoundException.class, () -> s.delete("a/b/c"));
    }

    @Test
    void walkVisitsEveryObjectUnderThePrefixWithItsSizeOnce() throws Exception {
        Storage s = storage();
        s.putContent("walk/a", bytes("1"));
        s.putContent("walk/d/b", bytes("22"));
        s.putContent("walk/d/e/c", bytes("333"));
        s.putContent("walkother/x", bytes("not under the prefix"));
        java.util.Map<String, Long> seen = new java.util.TreeMap<>();
        long before = System.currentTimeMillis() - 60_000;
        s.walk("walk", (key, info) -> {
            assertTrue(info.modifiedMillis() > before, key + " has its modification time");
            assertEquals(null, seen.put(key, info.size()), key + " visited once");
        });
        assertEquals(java.util.Map.of("walk/a", 1L, "walk/d/b", 2L, "walk/d/e/c", 3L), seen);
        List<String> none = new java.util.ArrayList<>();
        s.walk("nothing-here", (key, info) -> none.add(key));
        assertEquals(List.of(), none);
    }

    @Test
    void writerContentIsInvisibleUntilCommitAndGoneOnCancel() throws Exception {
        Storage s = storage();
        try (StorageWriter w = s.writer("w/one")) {
            w.stream().write(bytes("partial"));
            assertEquals(7, w.size());
            assertTrue(s.stat("w/one").isEmpty(), "not visible before commit");
            w.commit();
        }
        assertArrayEquals(bytes("partial"), s.getContent("w/one"));
        try (StorageWriter w = s.writer("w/two")) {
            w.stream().write(bytes("dropped"));
            w.cancel();
        }
        assertTrue(s.stat("w/two").isEmpty());
        try (StorageWriter w = s.writer("w/three")) {
            w.stream().write(bytes("closed without commit"));
        }
        assertTrue(s.stat("w/three").isEmpty());
        assertEquals(List.of("one"), s.list("w"));
    }

    @Test
    void aLargeWriteReadsBackWholeAndOnlyAfterCommit() throws Exception {
        Storage s = storage();
        byte[] content = new byte[11 * 1024 * 1024 + 17]; // past several background flushes of the filesystem store
        new java.util.Random(7).nextBytes(content);
        try (StorageWriter w = s.writer("big/data")) {
            for (int at = 0; at < content.length; at += 100_000) {
                w.stream().write(content, at, Math.min(100_000, content.length - at));
            }
            assertTrue(s.stat("big/data").isEmpty(), "not visible before commit");
            w.commit();
        }
        assertArrayEquals(content, s.getContent("big/data"));
        try (StorageWriter w = s.writer("big/dropped")) {
            w.stream().write(content);
        }
        assertTrue(s.stat("big/dropped").isEmpty(), "a large write closed without commit leaves nothing");
    }

    @Test
    void cachedPutsAreReadLikeAnyOther() throws Exception {
        Storage s = storage();
        s.putCached("c/link", bytes("sha256:one"));
        assertArrayEquals(bytes("sha256:one"), s.getContent("c/link"));
        s.putCached("c/link", bytes("sha256:two"));
        assertArrayEquals(bytes("sha256:two"), s.getContent("c/link"));
        assertEquals(List.of("link"), s.list("c"));
        assertThrows(InvalidKeyException.class, () -> s.putCached("../x", bytes("x")));
    }

    @Test
    void readerFromOffsetAndListing() throws Exception {
        Storage s = storage();
        s.putContent("r/x/data", bytes("0123456789"));
        s.putContent("r/y/data", bytes("y"));
        try (InputStream in = s.reader("r/x/data", 4)) {
            assertArrayEquals(bytes("456789"), in.readAllBytes());
        }
        assertThrows(StorageNotFoundException.class, () -> s.reader("r/z/data", 0));
        assertEquals(List.of("x", "y"), s.list("r"));
        assertEquals(List.of(), s.list("nothing/here"));
        s.delete("r");
        assertEquals(List.of(), s.list("r"));
    }

    @Test
    void keysCannotEscape() {
        Storage s = storage();
        for (String bad : new String[] {"../x", "a/../../x", "/abs", "a//b", "", ".tmp/x", "a/./b"}) {
            assertThrows(InvalidKeyException.class, () -> s.putContent(bad, bytes("x")), bad);
        }
    }

    @Test
    void writableProbe() throws Exception {
        storage().checkWritable();
        assertFalse(storage().describe().isEmpty());
    }
}
