package io.slipway.mirror.storage;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.slipway.mirror.support.DistributionRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A mirror on S3 for {@code @QuarkusTest}s: starts s3proxy (one bucket) and an anonymous docker-registry upstream
 * ({@code hub}), and configures the mirror as a user would: {@code mirror.storage.type=s3}, bucket, prefix, endpoint,
 * path-style, credentials from the default chain (system properties here). Init arg {@code redirect=true} turns on
 * presigned redirects. Tests find the parts through system properties {@code slipway.t.s3.*}.
 */
public class S3StoreResource implements QuarkusTestResourceLifecycleManager {

    static final String BUCKET = "slipway-mirror";

    private S3ProxyServer server;
    private DistributionRegistry upstream;
    private boolean redirect;

    @Override
    public void init(Map<String, String> args) {
        redirect = Boolean.parseBoolean(args.getOrDefault("redirect", "false"));
    }

    @Override
    public Map<String, String> start() {
        try {
            server = S3ProxyServer.start(BUCKET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        upstream = DistributionRegistry.anonymous();
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
        String prefix = "mirror-" + UUID.randomUUID().toString().substring(0, 8);
        System.setProperty("slipway.t.s3.objects", server.bucketDir(BUCKET).resolve(prefix).toString());
        System.setProperty("slipway.t.s3.endpoint", server.endpoint().toString());
        System.setProperty("slipway.t.hub.url", upstream.url());
        System.setProperty("slipway.t.hub.log", upstream.log().toString());
        Map<String, String> config = new HashMap<>();
        config.put("mirror.storage.type", "s3");
        config.put("mirror.storage.s3.bucket", BUCKET);
        config.put("mirror.storage.s3.prefix", prefix);
        config.put("mirror.storage.s3.endpoint", server.endpoint().toString());
        config.put("mirror.storage.s3.path-style", "true");
        config.put("mirror.storage.s3.part-size-mib", "5");
        config.put("mirror.storage.s3.redirect", Boolean.toString(redirect));
        config.put("mirror.upstreams.hub.url", upstream.url());
        return config;
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
