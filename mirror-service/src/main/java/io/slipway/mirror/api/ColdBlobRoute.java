package io.slipway.mirror.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.slipway.mirror.metrics.MirrorMetrics;
import io.slipway.mirror.proxy.Namespaces;
import io.slipway.mirror.proxy.ProxyBlob;
import io.slipway.mirror.proxy.BlobPullThrough;
import io.slipway.mirror.proxy.RepositoryTarget;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.RegistryException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.jboss.logging.Logger;

/**
 * {@code GET /v2/<name>/blobs/<digest>} of a blob that a pull-through repository does not hold yet. The client reads
 * the single upstream download while it is written, through a plain Vert.x route: the bytes go spool file → direct
 * buffer → socket in 1 MiB writes, two buffers in flight, without the REST layer's stream copies and per-8-KiB thread
 * hops (which made a cold pull twice as slow as pulling from the upstream directly).
 *
 * <p>Everything else falls through to {@link RegistryResource}: cached and local blobs (sendfile), ranges, HEAD, and
 * every request that fails before a download is joined (so that its error comes from the one mapper).
 */
@ApplicationScoped
public class ColdBlobRoute {

    private static final Logger LOG = Logger.getLogger(ColdBlobRoute.class);
    private static final int CHUNK = 1 << 20;

    private final RegistryAccess access;
    private final Namespaces namespaces;
    private final BlobPullThrough pullThrough;
    private final MirrorMetrics metrics;
    private final ObjectMapper json;

    public ColdBlobRoute(RegistryAccess access, Namespaces namespaces, BlobPullThrough pullThrough, MirrorMetrics metrics,
            ObjectMapper json) {
        this.access = access;
        this.namespaces = namespaces;
        this.pullThrough = pullThrough;
        this.metrics = metrics;
        this.json = json;
    }

    void install(@Observes Router router) {
        router.getWithRegex("/v2/.+/blobs/[^/]+").order(-5_000).blockingHandler(this::handle, false);
    }

    /** On a worker thread: the whole download may be streamed from here. */
    private void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.getHeader("Range") != null) {
            context.next();
            return;
        }
        Optional<ColdBlob> cold = coldBlob(request);
        if (cold.isEmpty()) {
            context.next();
            return;
        }
        Optional<ProxyBlob> fetching;
        try {
            fetching = pullThrough.fetchIfMissing(cold.get().target(), cold.get().digest());
        } catch (Exception e) {
            error(context, OciErrorMapper.toRegistryException(e));
            return;
        }
        if (fetching.isEmpty()) {
            context.next(); // cached meanwhile
            return;
        }
        stream(context, cold.get().digest(), fetching.get());
    }

    private record ColdBlob(RepositoryTarget target, Digest digest) {}

    /** A pull-through blob that is not in the store; empty for anything else, including every invalid request. */
    private Optional<ColdBlob> coldBlob(HttpServerRequest request) {
        try {
            RegistryPath path = RegistryPath.parse(request.path().substring("/v2/".length()));
            if (path.kind() != RegistryPath.Kind.BLOB) {
                return Optional.empty();
            }
            URI base = URI.create(request.scheme() + "://" + request.authority() + "/");
            access.checkPull(request.getHeader(HttpHeaders.AUTHORIZATION), base, path.name().value());
            RepositoryTarget target = namespaces.forPull(path.name());
            Digest digest = Digest.parse(path.reference());
            if (!target.isProxy() || pullThrough.isCached(target, digest)) {
                return Optional.empty();
            }
            return Optional.of(new ColdBlob(target, digest));
        } catch (RuntimeException | IOException e) {
            return Optional.empty(); // the REST layer answers it, with the same checks and the one error mapper
        }
    }

    private void stream(RoutingContext context, Digest digest, ProxyBlob blob) {
        HttpServerResponse response = context.response().setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
                .putHeader(RegistryHeaders.CONTENT_DIGEST, digest.toString())
                .putHeader(RegistryHeaders.API_VERSION, RegistryHeaders.API_VERSION_VALUE)
                .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
        if (blob.size() >= 0) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(blob.size()));
        } else {
            response.setChunked(true);
        }
        ByteBuf[] buffers = {Unpooled.directBuffer(CHUNK), Unpooled.directBuffer(CHUNK)};
        @SuppressWarnings("unchecked")
        Future<Void>[] writes = new Future[] {Future.succeededFuture(), Future.succeededFuture()};
        long position = 0;
        try (blob) {
            int i = 0;
            for (long limit; (limit = blob.readable(position)) >= 0; ) {
                while (position < limit) {
                    await(writes[i]); // the buffer is ours again once its last write reached the socket
                    ByteBuf buffer = buffers[i].clear();
                    int n = buffer.writeBytes(blob.channel(), position, (int) Math.min(CHUNK, limit - position));
                    if (n <= 0) {
                        throw new IOException("spool of " + digest + " is shorter than announced");
                    }
                    position += n;
                    writes[i] = response.write(Buffer.buffer(buffer));
                    i ^= 1;
                }
            }
            await(writes[0]);
            await(writes[1]);
            response.end();
        } catch (IOException e) {
            // Headers are out: the only honest signal left is to cut the connection before the body completes.
            LOG.debugf("stopped streaming %s after %d bytes: %s", digest, position, e.getMessage());
            context.request().connection().close();
            awaitQuietly(writes);
        } finally {
            metrics.bytesServed("upstream", position);
            buffers[0].release();
            buffers[1].release();
        }
    }

    private static void await(Future<Void> write) throws IOException {
        try {
            write.toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw new IOException("client went away", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void awaitQuietly(Future<Void>[] writes) {
        for (Future<Void> w : writes) {
            try {
                await(w);
            } catch (IOException ignored) {
                // the connection is closed; only the buffers' release waits for this
            }
        }
    }

    private void error(RoutingContext context, RegistryException e) {
        try {
            OciErrorMapper.end(context.response(), e, json);
        } catch (JsonProcessingException ex) {
            context.fail(ex);
        }
    }
}
