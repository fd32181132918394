package io.slipway.mirror.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.mirror.metrics.MirrorMetrics;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One configured upstream registry, as the four pull verbs the mirror needs ({@link #headManifest}, {@link #getManifest},
 * {@link #statBlob}, {@link #openBlob}): each returns a record or throws an {@link UpstreamException} of one kind, so
 * no caller reads HTTP status codes. 401 challenges are answered with basic credentials or the bearer-token flow
 * (realm/service/scope from {@code WWW-Authenticate}), tokens cached until expiry; redirects (Docker Hub sends blobs to
 * a CDN) are followed without the Authorization header.
 */
public final class UpstreamRegistry {

    static {
        // The JDK client reads the socket in 16 KiB buffers and hands each one to the body reader in turn; on a fast
        // upstream that hand-off, not the network, bounds a cold blob (32 MiB took ~3x longer than curl here). Larger
        // reads, unless the operator set the property.
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", Integer.toString(256 * 1024));
        }
    }

    private static final int MAX_REDIRECTS = 5;
    private static final String DIGEST_HEADER = "Docker-Content-Digest";
    private static final List<String> MANIFEST_TYPES = MediaTypes.MANIFESTS;
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

    private final String name;
    private final URI base;
    private final Optional<String> basicCredentials;
    private final HttpClient http;
    private final Duration responseTimeout;
    private final MirrorMetrics metrics;
    private final ObjectMapper json = new ObjectMapper();

    // The only mutable state: what the upstream asked for, and the tokens it gave us, by scope.
    private volatile AuthChallenge challenge;
    private final Map<String, CachedToken> tokens = new ConcurrentHashMap<>();

    public UpstreamRegistry(String name, URI base, Optional<String> username, Optional<String> password,
            Duration connectTimeout, Duration responseTimeout, MirrorMetrics metrics) {
        this.name = name;
        this.base = base;
        this.basicCredentials = username.map(u -> "Basic " + Base64.getEncoder()
                .encodeToString((u + ":" + password.orElse("")).getBytes(StandardCharsets.UTF_8)));
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.responseTimeout = responseTimeout;
        this.metrics = metrics;
    }

    public String name() {
        return name;
    }

    public URI base() {
        return base;
    }

    /** HEAD of a manifest by tag or digest: what it points at now. */
    public ManifestHead headManifest(String remoteRepo, String reference) throws UpstreamException {
        HttpResponse<InputStream> r = send("HEAD", remoteRepo, "manifests/" + reference, MANIFEST_TYPES);
        close(r);
        expectOk(r, "manifest " + remoteRepo + ":" + reference);
        return new ManifestHead(r.headers().firstValue(DIGEST_HEADER));
    }

    /**
     * GET of a manifest, at most {@code maxBytes + 1} bytes read (the store refuses larger ones). When the upstream
     * declares a digest, the bytes must match it.
     */
    public UpstreamManifest getManifest(String remoteRepo, String reference, int maxBytes) throws UpstreamException {
        HttpResponse<InputStream> r = send("GET", remoteRepo, "manifests/" + reference, MANIFEST_TYPES);
        try (InputStream body = r.body()) {
            expectOk(r, "manifest " + remoteRepo + ":" + reference);
            byte[] content = body.readNBytes(maxBytes + 1);
            metrics.bytesFetched(name, content.length);
            Optional<String> declared = r.headers().firstValue(DIGEST_HEADER);
            if (declared.isPresent() && !matches(declared.get(), content)) {
                metrics.digestMismatch(name);
                throw new UpstreamUnavailableException(name + " sent a manifest that does not match "
                        + declared.get(), 502, null);
            }
            return new UpstreamManifest(r.headers().firstValue("Content-Type"), content);
        } catch (UpstreamException e) {
            throw e;
        } catch (IOException e) {
            throw new UpstreamUnavailableException(name + " broke off a manifest: " + e, 0, e);
        }
    }

    /** HEAD of a blob: its size; nothing is downloaded. */
    public BlobStat statBlob(String remoteRepo, Digest digest) throws UpstreamException {
        HttpResponse<InputStream> r = send("HEAD", remoteRepo, "blobs/" + digest, List.of());
        close(r);
        expectOk(r, "blob " + digest);
        return new BlobStat(r.headers().firstValueAsLong("Content-Length").orElse(-1));
    }

    /** Starts the download of a blob; the caller reads and closes the body (and verifies it against the digest). */
    public UpstreamBlob openBlob(String remoteRepo, Digest digest) throws UpstreamException {
        HttpResponse<InputStream> r = send("GET", remoteRepo, "blobs/" + digest, List.of());
        try {
            expectOk(r, "blob " + digest);
        } catch (UpstreamException e) {
            close(r);
            throw e;
        }
        return new UpstreamBlob(r.headers().firstValueAsLong("Content-Length").orElse(-1), r.body());
    }

    /** 200 or a typed failure: the one place where the upstream's status codes are read. */
    private void expectOk(HttpResponse<?> r, String what) throws UpstreamException {
        int s = r.statusCode();
        String uri = r.request().method() + " " + r.uri();
        switch (s) {
            case 200 -> { }
            case 404 -> throw new UpstreamNotFoundException(name + " has no " + what);
            case 401, 403 -> throw new UpstreamUnauthorizedException(name + " refused our credentials (" + s + ")",
                    s);
            case 429 -> throw new UpstreamRateLimitedException(name + " answered 429 to " + uri);
            default -> throw new UpstreamUnavailableException(name + " answered " + s + " to " + uri, s, null);
        }
    }

    private static boolean matches(String declared, byte[] content) {
        try {
            Digest d = Digest.parse(declared);
            return Digest.compute(d.algorithm(), content).equals(d);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void close(HttpResponse<InputStream> r) {
        try {
            r.body().close();
        } catch (IOException ignored) {
            // nothing was to be read
        }
    }

    /**
     * Sends {@code method} to {@code /v2/<remoteRepo>/<suffix>}, answering one 401 challenge and following redirects;
     * the caller closes the body. Transport failures throw {@link UpstreamUnavailableException}.
     */
    private HttpResponse<InputStream> send(String method, String remoteRepo, String suffix, List<String> accept)
            throws UpstreamException {
        String scope = "repository:" + remoteRepo + ":pull";
        URI uri = base.resolve("/v2/" + remoteRepo + "/" + suffix);
        HttpResponse<InputStream> response = exchange(method, uri, accept, authorization(scope));
        if (response.statusCode() == 401) {
            AuthChallenge c = AuthChallenge.parse(response.headers().firstValue("WWW-Authenticate").orElse(null));
            if (c != null) {
                close(response);
                challenge = c;
                tokens.remove(scope);
                Optional<String> auth = authorization(scope);
                if (auth.isPresent()) {
                    response = exchange(method, uri, accept, auth);
                }
            }
        }
        for (int i = 0; i < MAX_REDIRECTS && isRedirect(response.statusCode()); i++) {
            Optional<String> location = response.headers().firstValue("Location");
            close(response);
            if (location.isEmpty()) {
                throw new UpstreamUnavailableException("redirect without Location from " + name,
                        response.statusCode(), null);
            }
            URI next = uri.resolve(location.get());
            boolean sameOrigin = next.getHost().equals(uri.getHost()) && next.getPort() == uri.getPort();
            response = exchange(method, next, accept, sameOrigin ? authorization(scope) : Optional.empty());
            uri = next;
        }
        return response;
    }

    /** GET /v2/: true when the upstream answers at all below 500 (401 means it is there and wants auth). */
    public boolean ping(Duration timeout) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base.resolve("/v2/")).timeout(timeout).GET()
                    .build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() < 500;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private HttpResponse<InputStream> exchange(String method, URI uri, List<String> accept, Optional<String> auth)
            throws UpstreamException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(responseTimeout)
                .method(method, HttpRequest.BodyPublishers.noBody());
        accept.forEach(a -> b.header("Accept", a));
        auth.ifPresent(a -> b.header("Authorization", a));
        try {
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            metrics.upstreamRequest(name, method, r.statusCode());
            return r;
        } catch (HttpTimeoutException e) {
            metrics.upstreamRequest(name, method, 0);
            throw new UpstreamUnavailableException(name + " timed out on " + method + " " + uri, 0, e);
        } catch (IOException e) {
            metrics.upstreamRequest(name, method, 0);
            throw new UpstreamUnavailableException(name + " unreachable: " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamUnavailableException("interrupted", 0, e);
        }
    }

    private Optional<String> authorization(String scope) throws UpstreamException {
        AuthChallenge c = challenge;
        if (c == null) {
            return Optional.empty();
        }
        if (c.isBasic()) {
            return basicCredentials;
        }
        if (!c.isBearer()) {
            return Optional.empty();
        }
        CachedToken cached = tokens.get(scope);
        if (cached != null && cached.expiresAt().isAfter(Instant.now())) {
            return Optional.of("Bearer " + cached.token());
        }
        CachedToken fresh = fetchToken(c, scope);
        tokens.put(scope, fresh);
        return Optional.of("Bearer " + fresh.token());
    }

    private CachedToken fetchToken(AuthChallenge c, String scope) throws UpstreamException {
        String realm = c.params().get("realm");
        if (realm == null) {
            throw new UpstreamUnauthorizedException(name + " sent a bearer challenge without realm", 401);
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (c.params().containsKey("service")) {
            url.append("service=").append(URLEncoder.encode(c.params().get("service"), StandardCharsets.UTF_8))
                    .append('&');
        }
        url.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.toString())).timeout(responseTimeout).GET();
        basicCredentials.ifPresent(a -> b.header("Authorization", a));
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            metrics.upstreamRequest(name, "TOKEN", r.statusCode());
            if (r.statusCode() == 401 || r.statusCode() == 403) {
                throw new UpstreamUnauthorizedException(name + " token service answered " + r.statusCode(),
                        r.statusCode());
            }
            if (r.statusCode() != 200) {
                throw new UpstreamUnavailableException(name + " token service answered " + r.statusCode(),
                        r.statusCode(), null);
            }
            JsonNode body = json.readTree(r.body());
            String token = body.path("token").asText(body.path("access_token").asText(null));
            if (token == null || token.isEmpty()) {
                throw new UpstreamUnauthorizedException(name + " token service sent no token", 401);
            }
            long lifetime = body.path("expires_in").asLong(DEFAULT_TOKEN_LIFETIME.toSeconds());
            // Renew a little early so that a token never expires between our check and the upstream's.
            Instant expiresAt = Instant.now().plusSeconds(Math.max(1, lifetime - Math.max(1, lifetime / 10)));
            return new CachedToken(token, expiresAt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamUnavailableException("interrupted", 0, e);
        } catch (UpstreamException e) {
            throw e;
        } catch (IOException e) {
            throw new UpstreamUnavailableException(name + " token service unreachable: " + e, 0, e);
        }
    }

    /** How many bearer tokens are cached (for tests of the token cache). */
    public int cachedTokens() {
        return tokens.size();
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private record CachedToken(String token, Instant expiresAt) {}
}
