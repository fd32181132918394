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
import java.util.function.Consumer;

/**
 * Serves the client whose request started a download from the download's own buffers, on the event loop that receives
 * them, while the writer thread hashes and stores the same buffers: no spool read-back and no thread hop per chunk
 * on the way out. The bytes go out in {@link #BATCH}-sized direct buffers (one copy, which Netty would otherwise make
 * from the heap chunks itself), and the newest batch is always held back, so the blob's last byte never leaves here.
 *
 * <p>Back-pressure: when the client has {@link #WINDOW} in flight, the upstream is paused until it took half of that
 * (the download goes at the pace of the client that asked for it, as a plain pipe would, and no byte is read twice).
 * A client that takes nothing for {@link #STALL_MILLIS} does not hold the download up any longer: the feed <em>hands
 * off</em> at the number of bytes it sent, the upstream goes on at full speed, and the client's own thread reads the
 * rest from the download's file as every other reader does. The feed also hands off when the body ended (the last
 * batch then comes from the file, after the verified commit), failed, or the client went away. So a slow client costs
 * at most {@link #WINDOW} of memory. The body starts only once the client attached (its headers are set,
 * microseconds after the upstream answered) or gave up.
 */
final class DirectFeed {

    static final int BATCH = 256 * 1024;
    static final long WINDOW = 8L * 1024 * 1024;
    static final long STALL_MILLIS = 2_000;

    private final Context context;
    private final CompletableFuture<Long> handedOff = new CompletableFuture<>();
    /** Bytes written to the client that Netty has not flushed to the socket yet (completions come on its loop). */
    private final AtomicLong unflushed = new AtomicLong();
    private volatile boolean broken;
    private volatile boolean waitingForClient;

    // Only on the context's thread:
    private WriteStream<Buffer> out;
    /** Starts the download's body: held until the client attached or gave up, so no byte waits for it in memory. */
    private Runnable start;
    private boolean settled;
    /** Pauses (true) or resumes (false) the upstream on the client's account. */
    private Consumer<Boolean> pace = hold -> { };
    private long stallTimer = -1;
    private final ArrayDeque<ByteBuf> ready = new ArrayDeque<>();
    private ByteBuf batch;
    private long sent;
    private boolean done;

    DirectFeed(Context context) {
        this.context = context;
    }

    /** From the download's thread, before the body starts: how the feed holds the upstream for a slow client. */
    void startWhenSettled(Consumer<Boolean> pacing, Runnable body) {
        context.runOnContext(v -> {
            pace = pacing;
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
            if (broken) {
                handOff(); // gone: the download goes on without it
                return;
            }
            ByteBuf next = ready.peek();
            int n = next.readableBytes();
            if (unflushed.get() + n > WINDOW) {
                holdUpstream();
                return;
            }
            ready.poll();
            unflushed.addAndGet(n);
            sent += n;
            out.write(Buffer.buffer(next)).onComplete(ar -> {
                long left = unflushed.addAndGet(-n);
                next.release();
                if (ar.failed()) {
                    broken = true;
                }
                if (waitingForClient && (left <= WINDOW / 2 || broken)) {
                    waitingForClient = false;
                    context.runOnContext(x -> clientCaughtUp());
                }
            });
        }
    }

    /** The client has a whole window in flight: pause the upstream, and hand off if it takes nothing for a while. */
    private void holdUpstream() {
        if (waitingForClient) {
            return;
        }
        waitingForClient = true;
        pace.accept(true);
        if (unflushed.get() <= WINDOW / 2) { // its writes completed meanwhile, before one of them could see the flag
            waitingForClient = false;
            pace.accept(false);
            context.runOnContext(x -> drain());
            return;
        }
        stallTimer = context.owner().setTimer(STALL_MILLIS, t -> {
            stallTimer = -1;
            if (waitingForClient && !done) {
                handOff(); // the client stalls: let the download go on, it reads from the file later
            }
        });
    }

    private void clientCaughtUp() {
        cancelStallTimer();
        pace.accept(false);
        drain();
    }

    private void cancelStallTimer() {
        if (stallTimer >= 0) {
            context.owner().cancelTimer(stallTimer);
            stallTimer = -1;
        }
    }

    private void handOff() {
        if (done) {
            return;
        }
        done = true;
        cancelStallTimer();
        if (waitingForClient) {
            waitingForClient = false;
            pace.accept(false);
        }
        ready.forEach(ByteBuf::release);
        ready.clear();
        if (batch != null) {
            batch.release();
            batch = null;
        }
        handedOff.complete(sent);
    }
}
