package io.slipway.mirror.proxy;

import io.slipway.mirror.registry.BlobContent;
import io.slipway.mirror.upstream.UpstreamBlobStream;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The hand-off between the event loop that receives a download and the thread that verifies and stores it: the
 * upstream's buffers, queued as they are (no copy), also passed to the {@link DirectFeed} of the client that started
 * the download. When the store falls {@link #HIGH} behind, the upstream is paused until it caught up to {@link #LOW}:
 * memory per download stays bounded whatever the disk or the object store does.
 */
final class DownloadBuffers implements BlobContent {

    static final long HIGH = 8L * 1024 * 1024;
    static final long LOW = 2L * 1024 * 1024;

    private final UpstreamBlobStream body;
    private final DirectFeed feed;
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    private long queued;
    private boolean paused;
    private boolean ended;
    private Throwable failure;
    private boolean waiting;

    /** {@code feed} may be null: nobody reads the download from its buffers. */
    DownloadBuffers(UpstreamBlobStream body, DirectFeed feed) {
        this.body = body;
        this.feed = feed;
    }

    /** Starts the body (once the feed's client is there, if there is a feed); its handlers run on its event loop. */
    void start() {
        if (feed != null) {
            feed.startWhenSettled(() -> body.start(this::add, v -> end(), this::fail));
        } else {
            body.start(this::add, v -> end(), this::fail);
        }
    }

    private void add(Buffer bytes) {
        if (feed != null) {
            feed.chunk(bytes);
        }
        synchronized (this) {
            queue.add(bytes);
            queued += bytes.length();
            if (queued > HIGH && !paused) {
                paused = true;
                body.pause();
            }
            if (waiting) {
                notifyAll();
            }
        }
    }

    private void end() {
        if (feed != null) {
            feed.ended();
        }
        synchronized (this) {
            ended = true;
            notifyAll();
        }
    }

    private void fail(Throwable e) {
        if (feed != null) {
            feed.failed();
        }
        synchronized (this) {
            failure = e;
            notifyAll();
        }
    }

    /**
     * On the writer's thread: the next buffer as it came from the upstream, null at its end. An empty queue means the
     * body is not paused, so an upstream that sends nothing for {@link UpstreamBlobStream#stallTimeout()} fails it.
     */
    @Override
    public synchronized ByteBuffer next() throws IOException {
        long timeout = body.stallTimeout().toNanos();
        long deadline = System.nanoTime() + timeout;
        while (queue.isEmpty() && !ended && failure == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("the upstream sent nothing for " + body.stallTimeout().toSeconds() + " s");
            }
            waiting = true;
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } finally {
                waiting = false;
            }
        }
        Buffer next = queue.poll();
        if (next != null) {
            queued -= next.length();
            if (paused && queued < LOW) {
                paused = false;
                body.resume();
            }
            return next.getByteBuf().nioBuffer();
        }
        if (failure != null) {
            throw new IOException("upstream broke off the download: " + failure, failure);
        }
        return null;
    }

    /** The writer is done, whatever the outcome: a body still coming is cut off, and the feed hands off. */
    synchronized void close() {
        if (!ended && failure == null) {
            body.cancel();
        }
        queue.clear();
        if (feed != null) {
            feed.failed(); // a no-op once it handed off
        }
    }
}
