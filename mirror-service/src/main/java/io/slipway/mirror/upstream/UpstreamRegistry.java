package io.slipway.mirror.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.mirror.metrics.MirrorMetrics;
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
 * One configured upstream registry: sends pull requests for a remote repository, answering 401 challenges with basic
 * credentials or the bearer-token flow (realm/service/scope from {@code WWW-Authenticate}), tokens cached until expiry.
 * Redirects (Docker Hub sends blobs to a CDN) are followed without the Authorization header.
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

    /**
     * Sends {@code method} to {@code /v2/<remoteRepo>/<suffix>}; the caller closes the body. 429, 5xx and transport
     * failures throw {@link UpstreamUnavailableException}; other statuses come back as they are.
     */
    public HttpResponse<InputStream> send(String method, String remoteRepo, String suffix, List<String> accept)
            throws IOException {
        String scope = "repository:" + remoteRepo + ":pull";
        URI uri = base.resolve("/v2/" + remoteRepo + "/" + suffix);
        HttpResponse<InputStream> response = exchange(method, uri, accept, authorization(scope));
        if (response.statusCode() == 401) {
            AuthChallenge c = AuthChallenge.parse(response.headers().firstValue("WWW-Authenticate").orElse(null));
            response.body().close();
            if (c != null) {
                challenge = c;
                tokens.remove(scope);
                Optional<String> auth = authorization(scope);
                if (auth.isPresent()) {
                    response = exchange(method, uri, accept, auth);
                }
            }
        }
        for (int i = 0; i < MAX_REDIRECTS && isRedirect(response.statusCode()); i++) {
            URI next = uri.resolve(response.headers().firstValue("Location").orElseThrow(
                    () -> new IOException("redirect without Location from " + name)));
            response.body().close();
            boolean sameOrigin = next.getHost().equals(uri.getHost()) && next.getPort() == uri.getPort();
            response = exchange(method, next, accept, sameOrigin ? authorization(scope) : Optional.empty());
            uri = next;
        }
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
            response.body().close();
            throw new UpstreamUnavailableException(name + " answered " + status + " to " + method + " " + uri,
                    status, null);
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
            throws IOException {
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

    private Optional<String> authorization(String scope) throws IOException {
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

    private CachedToken fetchToken(AuthChallenge c, String scope) throws IOException {
        String realm = c.params().get("realm");
        if (realm == null) {
            throw new UpstreamUnavailableException(name + " sent a bearer challenge without realm", 401, null);
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
            if (r.statusCode() != 200) {
                throw new UpstreamUnavailableException(name + " token service answered " + r.statusCode(),
                        r.statusCode(), null);
            }
            JsonNode body = json.readTree(r.body());
            String token = body.path("token").asText(body.path("access_token").asText(null));
            if (token == null || token.isEmpty()) {
                throw new UpstreamUnavailableException(name + " token service sent no token", 401, null);
            }
            long lifetime = body.path("expires_in").asLong(DEFAULT_TOKEN_LIFETIME.toSeconds());
            // Renew a little early so that a token never expires between our check and the upstream's.
            Instant expiresAt = Instant.now().plusSeconds(Math.max(1, lifetime - Math.max(1, lifetime / 10)));
            return new CachedToken(token, expiresAt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamUnavailableException("interrupted", 0, e);
        } catch (IOException e) {
            if (e instanceof UpstreamUnavailableException u) {
                throw u;
            }
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
