package io.slipway.mirror.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves the client whose request started a download from the download's own buffers, on the event loop that receives
 * them, while the writer thread hashes and stores the same buffers: no spool read-back and no thread hop per chunk
 * on the way out. The bytes go out in {@link #BATCH}-sized direct buffers (one copy, which Netty would otherwise make
 * from the heap chunks itself), and the newest batch is always held back, so the blob's last byte never leaves here.
 *
 * <p>The download never waits for this client: when the client has {@link #WINDOW} in flight (it reads slower than
 * the upstream sends, as a {@code dockerd} that gunzips does), goes away, or the body ends or fails, the feed <em>hands
 * off</em> at the number of bytes it sent, and the client's own thread reads the rest from the download's file as
 * every other reader does (the last byte waits there for the verified commit). So a slow client costs at most
 * {@link #WINDOW} of memory. Pacing the upstream to the client instead (pause at the window) was measured and was
 * slower for {@code docker pull}: the download, and with it the store's commit and its fsync, then ends only when the
 * client is nearly done, so the last byte waits for the fsync; run ahead, the commit is long done by then. The body
 * starts only once the client attached (its headers are set, microseconds after the upstream answered) or gave up.
 */
final class DirectFeed {

    static final int BATCH = 256 * 1024;
    static final long WINDOW = 8L * 1024 * 1024;

    private final Context context;
    private final CompletableFuture<Long> handedOff = new CompletableFuture<>();
    /** Bytes written to the client that Netty has not flushed to the socket yet (completions come on its loop). */
    private final AtomicLong unflushed = new AtomicLong();
    private volatile boolean broken;

    // Only on the context's thread:
    private WriteStream<Buffer> out;
    /** Starts the download's body: held until the client attached or gave up, so no byte waits for it in memory. */
    private Runnable start;
    private boolean settled;
    private final ArrayDeque<ByteBuf> ready = new ArrayDeque<>();
    private ByteBuf batch;
    private long sent;
    private boolean done;

    DirectFeed(Context context) {
        this.context = context;
    }

    /** From the download's thread: runs {@code body} (on the context) once the client attached or gave up. */
    void startWhenSettled(Runnable body) {
        context.runOnContext(v -> {
            if (settled) {
                body.run();
            } else {
                start = body;
            }
        });
    }

    /** From the client's thread, its response headers set: starts writing; returns at the hand-off, with the bytes sent. */
    long attach(WriteStream<Buffer> client) throws InterruptedException {
        context.runOnContext(v -> {
            out = client;
            settle();
            drain();
        });
        try {
            return handedOff.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never completed exceptionally
        }
    }

    /** On the context: more bytes of the blob, in download order. */
    void chunk(Buffer bytes) {
        if (done) {
            return;
        }
        if (batch != null && batch.readableBytes() + bytes.length() > BATCH) {
            ready.add(batch);
            batch = null;
            drain();
            if (done) {
                return;
            }
        }
        if (batch == null) {
            batch = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(BATCH, bytes.length()));
        }
        batch.writeBytes(bytes.getByteBuf());
    }

    /** On the context: the upstream body is complete (the newest batch stays back for the file to deliver). */
    void ended() {
        drain();
        handOff();
    }

    /** From any thread: the download failed or is being given up; the client's thread finds out from the file. */
    void failed() {
        context.runOnContext(v -> handOff());
    }

    /** From the client's thread when it is done with the download (a no-op after {@link #attach}): the body may go. */
    void abandon() {
        context.runOnContext(v -> {
            settle();
            handOff();
        });
    }

    private void settle() {
        if (!settled) {
            settled = true;
            if (start != null) {
                start.run();
                start = null;
            }
        }
    }

    private void drain() {
        if (done || out == null) {
            return; // not attached: the body has not started either
        }
        while (!ready.isEmpty()) {
            ByteBuf next = ready.peek();
            int n = next.readableBytes();
            if (broken || unflushed.get() + n > WINDOW) {
                handOff(); // gone, or slow: the download goes on without it
                return;
            }
            ready.poll();
            unflushed.addAndGet(n);
            sent += n;
            out.write(Buffer.buffer(next)).onComplete(ar -> {
                unflushed.addAndGet(-n);
                next.release();
                if (ar.failed()) {
                    broken = true;
                }
            });
        }
    }

    private void handOff() {
        if (done) {
            return;
        }
        done = true;
        ready.forEach(ByteBuf::release);
        ready.clear();
        if (batch != null) {
            batch.release();
            batch = null;
        }
        handedOff.complete(sent);
    }
}
