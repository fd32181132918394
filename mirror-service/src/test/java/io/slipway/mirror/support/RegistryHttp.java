package io.slipway.mirror.support;

import io.slipway.mirror.registry.Digest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Plain HTTP pushes to a registry (monolithic blob upload, manifest PUT), for seeding without Docker. */
public final class RegistryHttp {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String base;
    private final String authorization;

    public RegistryHttp(String base, String user, String password) {
        this.base = base;
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    public <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(b.build(), handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** POST /v2/<repo>/blobs/uploads/ then PUT ?digest= with the whole content. */
    public Digest pushBlob(String repo, byte[] content) throws IOException {
        Digest d = Digest.sha256(content);
        HttpResponse<String> start = send(request("/v2/" + repo + "/blobs/uploads/")
                .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
        if (start.statusCode() != 202) {
            throw new IOException("upload start: " + start.statusCode() + " " + start.body());
        }
        String location = start.headers().firstValue("Location").orElseThrow();
        URI put = URI.create(base).resolve(location);
        String sep = put.toString().contains("?") ? "&" : "?";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(put + sep + "digest=" + d))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> done = send(b, HttpResponse.BodyHandlers.ofString());
        if (done.statusCode() != 201) {
            throw new IOException("upload: " + done.statusCode() + " " + done.body());
        }
        return d;
    }

    /** Pushes config + one layer + a Docker schema2 manifest under {@code tag}; returns the manifest digest. */
    public Digest pushImage(String repo, String tag, byte[] layer) throws IOException {
        return pushImage(repo, tag, layer, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[]}}");
    }

    /** The same with a config of one's own (e.g. another architecture, or a label that makes it unique). */
    public Digest pushImage(String repo, String tag, byte[] layer, String configJson) throws IOException {
        byte[] config = configJson.getBytes(StandardCharsets.UTF_8);
        Digest c = pushBlob(repo, config);
        Digest l = pushBlob(repo, layer);
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
                 "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%d,"digest":"%s"},
                 "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":%d,"digest":"%s"}]}
                """.formatted(config.length, c, layer.length, l);
        HttpResponse<String> r = send(request("/v2/" + repo + "/manifests/" + tag)
                .header("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
                .PUT(HttpRequest.BodyPublishers.ofString(manifest)), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IOException("manifest: " + r.statusCode() + " " + r.body());
        }
        return Digest.sha256(manifest.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Pushes an OCI index under {@code tag} over manifests already pushed to {@code repo}: platform
     * ({@code os/arch}) to the tag of that platform's manifest. Returns the index's digest.
     */
    public Digest pushIndex(String repo, String tag, java.util.Map<String, String> platformTags) throws IOException {
        StringBuilder entries = new StringBuilder();
        for (java.util.Map.Entry<String, String> e : platformTags.entrySet()) {
            HttpResponse<byte[]> child = send(request("/v2/" + repo + "/manifests/" + e.getValue())
                    .header("Accept", "application/vnd.docker.distribution.manifest.v2+json"),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (child.statusCode() != 200) {
                throw new IOException("child manifest " + e.getValue() + ": " + child.statusCode());
            }
            String[] p = e.getKey().split("/");
            entries.append(entries.length() == 0 ? "" : ",").append("""
                    {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":%d,"digest":"%s",
                     "platform":{"os":"%s","architecture":"%s"}}""".formatted(child.body().length,
                    Digest.sha256(child.body()), p[0], p[1]));
        }
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[" + entries + "]}";
        HttpResponse<String> r = send(request("/v2/" + repo + "/manifests/" + tag)
                .header("Content-Type", "application/vnd.oci.image.index.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString(index)), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IOException("index: " + r.statusCode() + " " + r.body());
        }
        return Digest.sha256(index.getBytes(StandardCharsets.UTF_8));
    }
}
