package io.slipway.mirror.jobs;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one streamed PUT of a blob upload, on the mirror's Vert.x HTTP client (Netty, native transport). The JDK client
 * sent blobs at about half of skopeo's rate here (one thread hand-off per chunk); this writes 256 KiB buffers from the
 * calling (blocking) thread and waits only when Netty's write queue is full.
 */
public final class BlobUpload {

    private static final int CHUNK = 256 * 1024;
    private static final int WRITE_QUEUE = 4 * CHUNK;

    private final HttpClient client;
    private final Duration timeout;

    public BlobUpload(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /** PUTs {@code size} bytes (-1: chunked) of {@code content} to {@code uri}; returns the status. */
    int put(URI uri, long size, InputStream content, Optional<String> authorization) throws DestinationException {
        String where = uri.getAuthority();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.PUT).setAbsoluteURI(uri.toString())
                .setIdleTimeout(timeout.toMillis()).putHeader("Content-Type", "application/octet-stream");
        authorization.ifPresent(a -> options.putHeader("Authorization", a));
        HttpClientRequest request = await(client.request(options), where);
        if (size >= 0) {
            request.putHeader("Content-Length", Long.toString(size));
        } else {
            request.setChunked(true);
        }
        request.setWriteQueueMaxSize(WRITE_QUEUE);
        // The body handler is attached as soon as the head arrives: attached later, it would miss the end.
        Future<Integer> response = request.response().compose(r -> r.body().map(body -> r.statusCode()));
        try {
            for (;;) {
                byte[] chunk = content.readNBytes(CHUNK);
                if (chunk.length == 0 || response.isComplete()) {
                    break; // all sent, or the registry answered early (a refusal): stop sending
                }
                awaitWritable(request, where);
                request.write(Buffer.buffer(chunk));
            }
        } catch (IOException e) {
            request.reset();
            throw new DestinationException("the source broke off while uploading to " + where + ": " + e, true, e);
        }
        if (response.isComplete()) { // answered before the body was sent: take the answer, drop the connection
            int status = await(response, where);
            request.reset();
            return status;
        }
        await(request.end(), where);
        return await(response, where);
    }

    private void awaitWritable(HttpClientRequest request, String where) throws DestinationException {
        if (!request.writeQueueFull()) {
            return;
        }
        CompletableFuture<Void> drained = new CompletableFuture<>();
        request.drainHandler(v -> drained.complete(null));
        if (!request.writeQueueFull()) { // drained before the handler was set
            drained.complete(null);
        }
        wait(drained, where);
    }

    private <T> T await(Future<T> f, String where) throws DestinationException {
        return wait(f.toCompletionStage().toCompletableFuture(), where);
    }

    private <T> T wait(CompletableFuture<T> f, String where) throws DestinationException {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new DestinationException(where + " unreachable or broke off: " + e.getCause(), true, e.getCause());
        } catch (TimeoutException e) {
            throw new DestinationException(where + " did not answer within " + timeout, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DestinationException("interrupted", false, e);
        }
    }
}
