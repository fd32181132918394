package io.slipway.mirror.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.DefaultFileRegion;
import io.slipway.mirror.metrics.MirrorMetrics;
import io.slipway.mirror.proxy.BlobPullThrough;
import io.slipway.mirror.proxy.Namespaces;
import io.slipway.mirror.proxy.ProxyBlob;
import io.slipway.mirror.proxy.RepositoryTarget;
import io.slipway.mirror.registry.BlobStore;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RegistryException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.jboss.logging.Logger;

/**
 * {@code GET /v2/<name>/blobs/<digest>}: the one path for blob bytes, a plain Vert.x route on a worker thread.
 * <ul>
 *   <li>cached and local blobs, whole or ranged: sendfile from the store's file when it has one (the bytes never
 *   enter the heap), else a 307 to the object store's presigned URL when configured, else streamed from the store;
 *   <li>a pull-through blob the store does not hold yet: the client reads the single upstream download while it is
 *   written, without the REST layer's stream copies and per-8-KiB thread hops (which made a cold pull twice as slow
 *   as pulling from the upstream directly): over plain HTTP/1.1, as sendfile of the download's file region by region
 *   as it grows (4 MiB regions written to the connection's Netty channel, two in flight: Vert.x's own
 *   {@code sendFile} ends the response, so it cannot follow a growing file), which keeps the bytes out of user space
 *   (~10 % less mirror CPU per cold blob than reading them back); else spool file → direct buffer → socket in 1 MiB
 *   writes, two buffers in flight. A ranged request for it waits for the download and is then served from the
 *   store.
 * </ul>
 * Errors are the OCI bodies of {@link OciErrorMapper}; HEAD and the other blob verbs are in {@link BlobsResource}.
 */
@ApplicationScoped
public class BlobRoute {

    private static final Logger LOG = Logger.getLogger(BlobRoute.class);
    private static final int CHUNK = 1 << 20;
    private static final long REGION = 4L << 20;
    private static final String OCTETS = "application/octet-stream";

    private final RegistryAccess access;
    private final Namespaces namespaces;
    private final BlobPullThrough pullThrough;
    private final BlobStore blobs;
    private final MirrorMetrics metrics;
    private final ObjectMapper json;

    public BlobRoute(RegistryAccess access, Namespaces namespaces, BlobPullThrough pullThrough, BlobStore blobs,
            MirrorMetrics metrics, ObjectMapper json) {
        this.access = access;
        this.namespaces = namespaces;
        this.pullThrough = pullThrough;
        this.blobs = blobs;
        this.metrics = metrics;
        this.json = json;
    }

    void install(@Observes Router router) {
        router.getWithRegex("/v2/.+/blobs/[^/]+").order(-5_000).blockingHandler(this::handle, false);
    }

    /** On a worker thread: the whole download may be streamed from here. */
    private void handle(RoutingContext context) {
        RegistryPath path;
        try {
            path = RegistryPath.parse(decodedPath(context.request().path()).substring("/v2/".length()));
        } catch (RuntimeException e) {
            context.next(); // not a blob (e.g. .../blobs/uploads): the REST layer answers it
            return;
        }
        if (path.kind() != RegistryPath.Kind.BLOB) {
            context.next();
            return;
        }
        try {
            serve(context, path);
        } catch (Exception e) {
            if (context.response().headWritten()) {
                LOG.debugf("blob response broken off: %s", e.getMessage());
                context.request().connection().close();
            } else {
                error(context, OciErrorMapper.toRegistryException(e));
            }
        }
    }

    /** Decoded as the REST layer decodes its path parameters: clients may send the digest's colon as %3A. */
    private static String decodedPath(String raw) {
        try {
            return new URI(raw).getPath();
        } catch (URISyntaxException e) {
            return raw; // not a URI path at all: the parse below refuses what is invalid in it
        }
    }

    private void serve(RoutingContext context, RegistryPath path) throws IOException {
        HttpServerRequest request = context.request();
        URI base = URI.create(request.scheme() + "://" + request.authority() + "/");
        access.checkPull(request.getHeader(HttpHeaders.AUTHORIZATION), base, path.name().value());
        RepositoryTarget target = namespaces.forPull(path.name());
        Digest digest = Digest.parse(path.reference());
        String range = request.getHeader("Range");
        if (target.isProxy()) {
            if (range == null) {
                Optional<ProxyBlob> downloading = pullThrough.fetchIfMissing(target, digest);
                if (downloading.isPresent()) {
                    stream(context, digest, downloading.get());
                    return;
                }
            } else {
                pullThrough.ensureCached(target, digest);
            }
        }
        long size = blobs.size(target.local(), digest, target.isProxy())
                .orElseThrow(() -> ErrorCode.BLOB_UNKNOWN.exception(digest.toString()));
        ByteRange byteRange = ByteRange.parse(range, size);
        Optional<URI> redirect = blobs.localFile(digest).isPresent() ? Optional.empty() : blobs.redirect(digest);
        if (redirect.isPresent()) {
            // The bytes come from the object store itself (S3 presigned URL); a Range goes along with the redirect.
            headers(context.response(), digest).setStatusCode(307)
                    .putHeader(HttpHeaders.LOCATION, redirect.get().toString()).end();
            return;
        }
        long start = byteRange == null ? 0 : byteRange.start();
        long length = byteRange == null ? size : byteRange.length();
        HttpServerResponse response = headers(context.response(), digest);
        if (byteRange != null) {
            response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, byteRange.contentRange(size));
        }
        metrics.bytesServed("store", length);
        Optional<Path> file = blobs.localFile(digest);
        if (file.isPresent()) {
            response.sendFile(file.get().toString(), start, length);
            return;
        }
        response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
        try (InputStream in = blobs.open(digest, start)) {
            copy(in, response, length);
        }
    }

    private static HttpServerResponse headers(HttpServerResponse response, Digest digest) {
        return response.setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, OCTETS)
                .putHeader(RegistryHeaders.CONTENT_DIGEST, digest.toString())
                .putHeader(RegistryHeaders.API_VERSION, RegistryHeaders.API_VERSION_VALUE)
                .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
    }

    /**
     * A store without local files (S3): the object's stream → direct buffer → socket, two 1 MiB buffers in flight,
     * reused (no per-chunk garbage, no heap copy on the way to the socket).
     */
    private static void copy(InputStream in, HttpServerResponse response, long length) throws IOException {
        ByteBuf[] buffers = {Unpooled.directBuffer(CHUNK), Unpooled.directBuffer(CHUNK)};
        @SuppressWarnings("unchecked")
        Future<Void>[] writes = new Future[] {Future.succeededFuture(), Future.succeededFuture()};
        // Read through one small array: Netty's writeBytes(InputStream, n) allocates n bytes per call, and a socket
        // stream hands out a few KiB per read.
        byte[] read = new byte[64 * 1024];
        try {
            int i = 0;
            for (long left = length; left > 0; ) {
                await(writes[i]); // the buffer is ours again once its last write reached the socket
                ByteBuf buffer = buffers[i].clear();
                int want = (int) Math.min(CHUNK, left);
                while (buffer.writerIndex() < want) {
                    int n = in.read(read, 0, Math.min(read.length, want - buffer.writerIndex()));
                    if (n < 0) {
                        throw new IOException("blob shorter than its size");
                    }
                    buffer.writeBytes(read, 0, n);
                }
                left -= want;
                writes[i] = response.write(Buffer.buffer(buffer));
                i ^= 1;
            }
            await(writes[0]);
            await(writes[1]);
            response.end();
        } catch (IOException e) {
            awaitQuietly(writes);
            throw e;
        } finally {
            buffers[0].release();
            buffers[1].release();
        }
    }

    private void stream(RoutingContext context, Digest digest, ProxyBlob blob) {
        HttpServerResponse response = headers(context.response(), digest);
        if (blob.size() >= 0) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(blob.size()));
        } else {
            response.setChunked(true);
        }
        // The copy loop's two direct buffers, allocated only when the regions below cannot be sent by sendfile.
        ByteBuf[] buffers = new ByteBuf[2];
        @SuppressWarnings("unchecked")
        Future<Void>[] writes = new Future[] {Future.succeededFuture(), Future.succeededFuture()};
        long position = 0;
        try (blob) {
            Optional<Channel> socket = blob.size() >= 0 ? nettyChannel(context) : Optional.empty();
            if (socket.isPresent()) {
                await(response.write(Buffer.buffer())); // the headers, through Vert.x, before any region
                position = sendRegions(socket.get(), blob);
                response.end();
                return;
            }
            buffers[0] = Unpooled.directBuffer(CHUNK);
            buffers[1] = Unpooled.directBuffer(CHUNK);
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
            for (ByteBuf buffer : buffers) {
                if (buffer != null) {
                    buffer.release();
                }
            }
        }
    }

    /** The connection's Netty channel, where it is plain HTTP/1.1 (the regions below bypass Vert.x's writes). */
    private static Optional<Channel> nettyChannel(RoutingContext context) {
        HttpConnection connection = context.request().connection();
        if (connection instanceof ConnectionBase base && context.request().version() != HttpVersion.HTTP_2
                && !context.request().isSSL()) {
            return Optional.of(base.channel());
        }
        return Optional.empty();
    }

    /**
     * The download's file, region by region as it grows, straight from the page cache to the socket (sendfile): the
     * bytes never enter user space here. Two regions in flight; returns the bytes sent.
     */
    private static long sendRegions(Channel socket, ProxyBlob blob) throws IOException {
        ChannelFuture[] writes = {null, null};
        long position = 0;
        int i = 0;
        try {
            for (long limit; (limit = blob.readable(position)) >= 0; ) {
                while (position < limit) {
                    awaitNetty(writes[i]);
                    long n = Math.min(REGION, limit - position);
                    writes[i] = socket.writeAndFlush(new SharedRegion(blob.channel(), position, n));
                    position += n;
                    i ^= 1;
                }
            }
            awaitNetty(writes[0]);
            awaitNetty(writes[1]);
            return position;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** A region of the download's shared channel: released without closing it (the other readers still read it). */
    private static final class SharedRegion extends DefaultFileRegion {
        SharedRegion(FileChannel file, long position, long count) {
            super(file, position, count);
        }

        @Override
        protected void deallocate() {
            // the channel belongs to the download (InFlightBlob closes it when its last reader is done)
        }
    }

    private static void awaitNetty(ChannelFuture write) throws IOException {
        if (write == null) {
            return;
        }
        try {
            write.sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (Exception e) {
            throw new IOException("client went away", e);
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
