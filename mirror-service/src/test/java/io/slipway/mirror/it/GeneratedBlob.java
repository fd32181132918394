package io.slipway.mirror.it;

import io.slipway.mirror.registry.Digest;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/** A large blob generated on the fly (never held in memory): a random 1 MiB block, varied per block. */
final class GeneratedBlob {

    private static final int BLOCK = 1024 * 1024;
    private final byte[] block = new byte[BLOCK];
    final long size;

    GeneratedBlob(long size, long seed) {
        this.size = size;
        new Random(seed).nextBytes(block);
    }

    InputStream open() {
        return new InputStream() {
            private long pos;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) {
                    return -1;
                }
                int inBlock = (int) (pos % BLOCK);
                int n = (int) Math.min(Math.min(len, BLOCK - inBlock), size - pos);
                System.arraycopy(block, inBlock, b, off, n);
                if (inBlock == 0 && n >= 8) {
                    long blockIndex = pos / BLOCK;
                    for (int i = 0; i < 8; i++) {
                        b[off + i] ^= (byte) (blockIndex >>> (8 * i));
                    }
                }
                pos += n;
                return n;
            }
        };
    }

    Digest digest() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = open()) {
            byte[] buf = new byte[BLOCK];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return new Digest("sha256", HexFormat.of().formatHex(sha.digest()));
    }
}
