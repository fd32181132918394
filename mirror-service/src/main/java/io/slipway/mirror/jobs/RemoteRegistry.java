package io.slipway.mirror.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.upstream.AuthChallenge;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The push side of the registry API over HTTP, for any OCI registry: HEAD, cross-repository mount, monolithic blob
 * upload (POST, then one streamed PUT through {@link BlobUpload}), manifest PUT. 401 challenges are answered with basic credentials or Docker's
 * bearer-token flow (scope {@code repository:<name>:pull,push}), tokens kept per scope. Status codes are read here
 * only and become {@link DestinationException}s.
 */
public final class RemoteRegistry implements Destination {

    private static final String DIGEST_HEADER = "Docker-Content-Digest";
    private static final String MANIFEST_ACCEPT = String.join(", ", io.slipway.mirror.registry.MediaTypes.MANIFESTS);

    private final String host;
    private final URI base;
    private final Optional<String> basic;
    private final RepositoryPreparer preparer;
    private final BlobUpload blobUpload;
    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    // The only mutable state: the registry's last challenge and the tokens it issued, by scope.
    private volatile AuthChallenge challenge;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /** What to do before the first write to a repository (ECR: create it). */
    @FunctionalInterface
    public interface RepositoryPreparer {
        void prepare(String repository) throws IOException;
    }

    public RemoteRegistry(String host, URI base, Optional<String> username, Optional<String> password,
            RepositoryPreparer preparer, BlobUpload blobUpload, Duration connectTimeout, Duration timeout) {
        this.host = host;
        this.base = base;
        this.basic = username.map(u -> "Basic " + Base64.getEncoder()
                .encodeToString((u + ":" + password.orElse("")).getBytes(StandardCharsets.UTF_8)));
        this.preparer = preparer;
        this.blobUpload = blobUpload;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.timeout = timeout;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public void prepare(String repository) throws IOException {
        preparer.prepare(repository);
    }

    @Override
    public Optional<Digest> manifestDigest(String repository, String reference) throws IOException {
        HttpResponse<Void> r = send(repository, null, () -> request(path(repository, "manifests/" + reference))
                .header("Accept", MANIFEST_ACCEPT).method("HEAD", BodyPublishers.noBody()));
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        expect(r, 200, "HEAD manifest " + repository + ":" + reference);
        return r.headers().firstValue(DIGEST_HEADER).map(Digest::parse);
    }

    @Override
    public boolean hasBlob(String repository, Digest digest) throws IOException {
        HttpResponse<Void> r = send(repository, null, () -> request(path(repository, "blobs/" + digest))
                .method("HEAD", BodyPublishers.noBody()));
        if (r.statusCode() == 404) {
            return false;
        }
        expect(r, 200, "HEAD blob " + digest);
        return true;
    }

    @Override
    public boolean mount(String repository, Digest digest, String from) throws IOException {
        URI uri = path(repository, "blobs/uploads/?mount=" + digest + "&from=" + from);
        HttpResponse<Void> r = send(repository, from, () -> request(uri).POST(BodyPublishers.noBody()));
        if (r.statusCode() == 201) {
            return true;
        }
        expect(r, 202, "mount of " + digest); // 202: an upload session instead; left to expire, as Docker does
        return false;
    }

    @Override
    public void pushBlob(String repository, Digest digest, long size, InputStream content) throws IOException {
        HttpResponse<Void> start = send(repository, null, () -> request(path(repository, "blobs/uploads/"))
                .POST(BodyPublishers.noBody()));
        expect(start, 202, "start of the upload of " + digest);
        String location = start.headers().firstValue("Location").orElseThrow(
                () -> new DestinationException(host + " started an upload without Location", false, null));
        URI upload = start.uri().resolve(location);
        URI put = URI.create(upload + (upload.getRawQuery() == null ? "?" : "&") + "digest="
                + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8));
        String scope = scope(repository, null);
        int status = blobUpload.put(put, size, content, authorization(scope));
        if (status == 401) {
            tokens.remove(scope); // expired between POST and PUT: the retry starts over with a fresh token
            throw new DestinationException(host + " answered 401 to the upload of " + digest, true, null);
        }
        expectStatus(status, 201, "upload of " + digest);
    }

    @Override
    public void putManifest(String repository, String reference, String mediaType, byte[] content)
            throws IOException {
        HttpResponse<Void> r = send(repository, null, () -> request(path(repository, "manifests/" + reference))
                .header("Content-Type", mediaType).PUT(BodyPublishers.ofByteArray(content)));
        expect(r, 201, "PUT manifest " + repository + ":" + reference);
    }

    private URI path(String repository, String suffix) {
        return base.resolve("/v2/" + repository + "/" + suffix);
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout);
    }

    private void expect(HttpResponse<?> r, int status, String what) throws DestinationException {
        expectStatus(r.statusCode(), status, what);
    }

    private void expectStatus(int s, int status, String what) throws DestinationException {
        if (s == status) {
            return;
        }
        String detail = host + " answered " + s + " to " + what;
        switch (s) {
            case 401, 403 -> throw new DestinationException(detail + ": credentials refused", false, null);
            case 408, 429, 500, 502, 503, 504 -> throw new DestinationException(detail, true, null);
            default -> throw new DestinationException(detail, false, null);
        }
    }

    /** Sends a request, answering one 401 challenge; the builder is asked again for the second try. */
    private HttpResponse<Void> send(String repository, String mountFrom, Supplier<HttpRequest.Builder> request)
            throws IOException {
        String scope = scope(repository, mountFrom);
        HttpResponse<Void> r = exchange(request.get(), authorization(scope));
        if (r.statusCode() == 401) {
            AuthChallenge c = AuthChallenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
            if (c != null) {
                challenge = c;
                tokens.remove(scope);
                Optional<String> auth = authorization(scope);
                if (auth.isPresent()) {
                    r = exchange(request.get(), auth);
                }
            }
        }
        return r;
    }

    private static String scope(String repository, String mountFrom) {
        String scope = "repository:" + repository + ":pull,push";
        return mountFrom == null ? scope : scope + " repository:" + mountFrom + ":pull";
    }

    private HttpResponse<Void> exchange(HttpRequest.Builder request, Optional<String> auth)
            throws DestinationException {
        auth.ifPresent(a -> request.header("Authorization", a));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new DestinationException(host + " unreachable or broke off: " + e, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DestinationException("interrupted", false, e);
        }
    }

    private Optional<String> authorization(String scope) throws DestinationException {
        AuthChallenge c = challenge;
        if (c == null) {
            return Optional.empty();
        }
        if (c.isBasic()) {
            return basic;
        }
        if (!c.isBearer()) {
            return Optional.empty();
        }
        String token = tokens.get(scope);
        if (token == null) {
            token = token(c, scope);
            tokens.put(scope, token);
        }
        return Optional.of("Bearer " + token);
    }

    /** Docker's token flow: GET realm?service=&scope= with the basic credentials; the answer's token. */
    private String token(AuthChallenge c, String scope) throws DestinationException {
        String realm = c.params().get("realm");
        if (realm == null) {
            throw new DestinationException(host + " sent a bearer challenge without realm", false, null);
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        Optional.ofNullable(c.params().get("service")).ifPresent(s -> url.append("service=")
                .append(URLEncoder.encode(s, StandardCharsets.UTF_8)).append('&'));
        for (String s : scope.split(" ")) {
            url.append("scope=").append(URLEncoder.encode(s, StandardCharsets.UTF_8)).append('&');
        }
        HttpRequest.Builder b = request(URI.create(url.substring(0, url.length() - 1))).GET();
        basic.ifPresent(a -> b.header("Authorization", a));
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new DestinationException(host + " token service answered " + r.statusCode(),
                        r.statusCode() >= 500, null);
            }
            var body = json.readTree(r.body());
            String token = body.path("token").asText(body.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new DestinationException(host + " token service sent no token", false, null);
            }
            return token;
        } catch (DestinationException e) {
            throw e;
        } catch (IOException e) {
            throw new DestinationException(host + " token service unreachable: " + e, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DestinationException("interrupted", false, e);
        }
    }
}
