package io.slipway.mirror.storage.s3;

import io.slipway.mirror.config.MirrorConfig;
import io.slipway.mirror.storage.Storage;
import io.slipway.mirror.storage.StorageKeys;
import io.slipway.mirror.storage.StorageNotFoundException;
import io.slipway.mirror.storage.StorageWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The store in an S3 bucket (or any S3-compatible store: endpoint override, path-style addressing), every key under
 * an optional prefix. Small objects are one PUT (atomic in S3: readers see the old or the new content); large writes
 * are multipart uploads, visible only when completed. There are no directories in S3: a "directory" is a key prefix
 * that has objects under it. Credentials come from the AWS default provider chain (environment, system properties,
 * profile, container or instance role).
 */
public final class S3Storage implements Storage, AutoCloseable {

    /** S3's smallest part (except the last). */
    static final int MIN_PART_SIZE = 5 * 1024 * 1024;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final int partSize;
    private final Optional<Duration> redirectTtl;
    private final String description;

    S3Storage(S3Client s3, S3Presigner presigner, String bucket, String prefix, int partSize,
            Optional<Duration> redirectTtl, String description) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        this.partSize = Math.max(MIN_PART_SIZE, partSize);
        this.redirectTtl = redirectTtl;
        this.description = description;
    }

    /** From the mirror's configuration, with credentials from the default provider chain. */
    public static S3Storage create(MirrorConfig.S3 config) {
        String bucket = config.bucket().filter(b -> !b.isBlank()).orElseThrow(() -> new IllegalStateException(
                "mirror.storage.type=s3 needs mirror.storage.s3.bucket (MIRROR_STORAGE_S3_BUCKET)"));
        return create(bucket, config.prefix().orElse(""), Region.of(config.region()), config.endpoint().map(URI::create),
                config.pathStyle(), config.partSizeMib() * 1024 * 1024,
                config.redirect() ? Optional.of(config.redirectTtl()) : Optional.empty(),
                DefaultCredentialsProvider.builder().build());
    }

    public static S3Storage create(String bucket, String prefix, Region region, Optional<URI> endpoint,
            boolean pathStyle, int partSize, Optional<Duration> redirectTtl, AwsCredentialsProvider credentials) {
        S3ClientBuilder client = S3Client.builder().region(region).credentialsProvider(credentials)
                .forcePathStyle(pathStyle)
                // S3-compatible stores do not all take the SDK's newer default checksums; S3 needs none of them.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(128));
        S3Presigner.Builder presign = S3Presigner.builder().region(region).credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        endpoint.ifPresent(e -> {
            client.endpointOverride(e);
            presign.endpointOverride(e);
        });
        String description = "s3://" + bucket + "/" + prefix + endpoint.map(e -> " at " + e).orElse("")
                + " (" + region.id() + ")";
        return new S3Storage(client.build(), presign.build(), bucket, prefix, partSize, redirectTtl, description);
    }

    String objectKey(String key) {
        return prefix + StorageKeys.check(key);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        String k = objectKey(key);
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(k));
            return Optional.of(new ObjectInfo(head.contentLength(), head.lastModified().toEpochMilli(), false));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw io("stat " + k, e);
            }
        } catch (SdkException e) {
            throw io("stat " + k, e);
        }
        try {
            ListObjectsV2Response under = s3.listObjectsV2(b -> b.bucket(bucket).prefix(k + "/").maxKeys(1));
            return under.contents().isEmpty() ? Optional.empty() : Optional.of(new ObjectInfo(0, 0, true));
        } catch (SdkException e) {
            throw io("list " + k, e);
        }
    }

    @Override
    public byte[] getContent(String key) throws IOException {
        String k = objectKey(key);
        try {
            return s3.getObjectAsBytes(b -> b.bucket(bucket).key(k)).asByteArray();
        } catch (S3Exception e) {
            throw e.statusCode() == 404 ? new StorageNotFoundException(key) : io("get " + k, e);
        } catch (SdkException e) {
            throw io("get " + k, e);
        }
    }

    @Override
    public void putContent(String key, byte[] content) throws IOException {
        String k = objectKey(key);
        try {
            s3.putObject(b -> b.bucket(bucket).key(k).contentLength((long) content.length),
                    RequestBody.fromInputStream(new ByteArrayInputStream(content), content.length));
        } catch (SdkException e) {
            throw io("put " + k, e);
        }
    }

    @Override
    public InputStream reader(String key, long offset) throws IOException {
        String k = objectKey(key);
        GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(bucket).key(k);
        if (offset > 0) {
            get.range("bytes=" + offset + "-");
        }
        try {
            return s3.getObject(get.build());
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new StorageNotFoundException(key);
            }
            if (e.statusCode() == 416 && stat(key).isPresent()) {
                return InputStream.nullInputStream(); // offset at the end
            }
            throw io("get " + k, e);
        } catch (SdkException e) {
            throw io("get " + k, e);
        }
    }

    @Override
    public StorageWriter writer(String key) {
        return new S3Writer(s3, bucket, objectKey(key), partSize);
    }

    @Override
    public List<String> list(String key) throws IOException {
        String p = objectKey(key) + "/";
        TreeSet<String> names = new TreeSet<>();
        try {
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(
                    ListObjectsV2Request.builder().bucket(bucket).prefix(p).delimiter("/").build())) {
                for (CommonPrefix dir : page.commonPrefixes()) {
                    String name = dir.prefix().substring(p.length());
                    names.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
                }
                for (S3Object o : page.contents()) {
                    names.add(o.key().substring(p.length()));
                }
            }
        } catch (SdkException e) {
            throw io("list " + p, e);
        }
        names.remove("");
        return List.copyOf(names);
    }

    @Override
    public void walk(String key, ObjectVisitor visitor) throws IOException {
        String p = objectKey(key) + "/";
        try {
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(
                    ListObjectsV2Request.builder().bucket(bucket).prefix(p).build())) {
                for (S3Object o : page.contents()) {
                    if (o.key().endsWith("/")) {
                        continue; // a "directory" marker object (some S3-compatible stores list them)
                    }
                    visitor.visit(o.key().substring(prefix.length()),
                            new ObjectInfo(o.size(), o.lastModified().toEpochMilli(), false));
                }
            }
        } catch (SdkException e) {
            throw io("list " + p, e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        String k = objectKey(key);
        List<String> doomed = new ArrayList<>();
        try {
            if (stat(key).filter(i -> !i.directory()).isPresent()) {
                doomed.add(k);
            }
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(
                    ListObjectsV2Request.builder().bucket(bucket).prefix(k + "/").build())) {
                page.contents().forEach(o -> doomed.add(o.key()));
            }
            if (doomed.isEmpty()) {
                throw new StorageNotFoundException(key);
            }
            // One DELETE per object: multi-object DeleteObjects needs a Content-MD5 that not every store takes.
            for (String d : doomed) {
                s3.deleteObject(b -> b.bucket(bucket).key(d));
            }
        } catch (SdkException e) {
            throw io("delete " + k, e);
        }
    }

    @Override
    public Optional<Path> localFile(String key) {
        return Optional.empty();
    }

    @Override
    public Optional<URI> redirect(String key) throws IOException {
        if (redirectTtl.isEmpty()) {
            return Optional.empty();
        }
        String k = objectKey(key);
        try {
            return Optional.of(presigner.presignGetObject(b -> b.signatureDuration(redirectTtl.get())
                    .getObjectRequest(g -> g.bucket(bucket).key(k))).url().toURI());
        } catch (SdkException | URISyntaxException e) {
            throw new IOException("cannot presign " + k + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void checkWritable() throws IOException {
        String key = "_probe/" + UUID.randomUUID();
        byte[] content = key.getBytes(StandardCharsets.UTF_8);
        try {
            putContent(key, content);
            if (!Arrays.equals(getContent(key), content)) {
                throw new IOException("read back different bytes from " + objectKey(key));
            }
        } finally {
            try {
                delete(key);
            } catch (IOException | UncheckedIOException ignored) {
                // the put failed: nothing to delete
            }
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }

    static IOException io(String what, SdkException e) {
        return new IOException("S3 " + what + " failed: " + e.getMessage(), e);
    }
}
