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
        // A response that never comes fails the request, not the whole test run.
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(java.time.Duration.ofMinutes(2));
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
        return putManifest(repo, tag, manifest);
    }

    /**
     * Pushes config + {@code layers} + a Docker schema2 manifest under {@code tag}; {@code label} goes into the config
     * (so images with the same layers still differ). Returns the manifest digest.
     */
    public Digest pushImage(String repo, String tag, String label, java.util.List<byte[]> layers) throws IOException {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"t\":\"" + label
                + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}").getBytes(StandardCharsets.UTF_8);
        Digest c = pushBlob(repo, config);
        StringBuilder descriptors = new StringBuilder();
        for (byte[] layer : layers) {
            Digest l = pushBlob(repo, layer);
            descriptors.append(descriptors.length() == 0 ? "" : ",").append(
                    "{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":%d,\"digest\":\"%s\"}"
                            .formatted(layer.length, l));
        }
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
                 "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%d,"digest":"%s"},
                 "layers":[%s]}""".formatted(config.length, c, descriptors);
        return putManifest(repo, tag, manifest);
    }

    /** PUTs a Docker schema2 manifest under {@code tag}; returns its digest. */
    private Digest putManifest(String repo, String tag, String manifest) throws IOException {
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

    /**
     * Pulls an image manifest and every blob it names, as a client does, and checks each against its digest (and the
     * manifest against {@code Docker-Content-Digest}); throws on any failure. Returns the bytes pulled.
     */
    public long pullVerified(String repo, String reference) throws IOException {
        HttpResponse<byte[]> m = send(request("/v2/" + repo + "/manifests/" + reference)
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json,"
                        + "application/vnd.oci.image.manifest.v1+json"), HttpResponse.BodyHandlers.ofByteArray());
        if (m.statusCode() != 200) {
            throw new IOException("manifest " + repo + ":" + reference + ": " + m.statusCode() + " "
                    + new String(m.body(), StandardCharsets.UTF_8));
        }
        Digest manifest = Digest.sha256(m.body());
        String header = m.headers().firstValue("Docker-Content-Digest").orElse("");
        if (!header.equals(manifest.toString())) {
            throw new IOException("manifest " + repo + ":" + reference + " is " + manifest + ", header says " + header);
        }
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(m.body());
        java.util.List<String> digests = new java.util.ArrayList<>();
        digests.add(doc.path("config").path("digest").asText());
        doc.path("layers").forEach(l -> digests.add(l.path("digest").asText()));
        long bytes = m.body().length;
        for (String d : digests) {
            HttpResponse<byte[]> b = send(request("/v2/" + repo + "/blobs/" + d), HttpResponse.BodyHandlers.ofByteArray());
            if (b.statusCode() != 200) {
                throw new IOException("blob " + d + " of " + repo + ":" + reference + ": " + b.statusCode() + " "
                        + new String(b.body(), StandardCharsets.UTF_8));
            }
            if (!Digest.sha256(b.body()).toString().equals(d)) {
                throw new IOException("blob " + d + " of " + repo + ":" + reference + " has other bytes");
            }
            bytes += b.body().length;
        }
        return bytes;
    }
}
