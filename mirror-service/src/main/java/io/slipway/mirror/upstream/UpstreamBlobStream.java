package io.slipway.mirror.upstream;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.time.Duration;

/**
 * A blob download whose upstream answered 200, as Vert.x delivers it: buffers on the event loop of {@link #context()},
 * no thread of its own. It stays paused until {@link #start}; {@link #pause()}, {@link #resume()} and {@link #cancel()}
 * may be called from any thread.
 */
public final class UpstreamBlobStream {

    private final Context context;
    private final HttpClientResponse response;
    private final long size;
    private final Duration stallTimeout;

    UpstreamBlobStream(Context context, HttpClientResponse response, long size, Duration stallTimeout) {
        this.context = context;
        this.response = response;
        this.size = size;
        this.stallTimeout = stallTimeout;
    }

    /**
     * How long the reader may wait for the next buffer while it does not hold the body paused, before it gives the
     * download up (Vert.x's own idle timeout would also fire while the reader pauses the body on purpose).
     */
    public Duration stallTimeout() {
        return stallTimeout;
    }

    /** The announced size (Content-Length), -1 when the upstream did not say. */
    public long size() {
        return size;
    }

    /** The context whose event loop calls the handlers. */
    public Context context() {
        return context;
    }

    /** Starts the body: {@code chunk} per buffer, then {@code end} or {@code failure}, all on {@link #context()}. */
    public void start(Handler<Buffer> chunk, Handler<Void> end, Handler<Throwable> failure) {
        context.runOnContext(v -> {
            response.handler(chunk);
            response.endHandler(end);
            response.exceptionHandler(failure);
            response.resume();
        });
    }

    public void pause() {
        context.runOnContext(v -> response.pause());
    }

    public void resume() {
        context.runOnContext(v -> response.resume());
    }

    /** Gives up on the body: the connection goes, so the upstream stops sending. */
    public void cancel() {
        context.runOnContext(v -> response.request().reset());
    }
}
