package io.slipway.mirror.proxy;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.slipway.mirror.support.DistributionRegistry;
import io.slipway.mirror.support.TokenIssuer;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Requirements;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Starts the real upstreams for the pull-through tests: docker-registry anonymous ({@code hub}, also the daemon-mirror
 * default), with htpasswd ({@code basic}), with token auth from a test token issuer ({@code tok}), and one the tests
 * stop ({@code flaky}). Tests find them through system properties {@code slipway.t.<name>.*}.
 */
public class UpstreamsResource implements QuarkusTestResourceLifecycleManager {

    public static final String USER = "upstream-user";
    public static final String PASSWORD = "upstream-pass";

    private final Map<String, DistributionRegistry> registries = new HashMap<>();
    private TokenIssuer issuer;

    @Override
    public Map<String, String> start() {
        Requirements.require(Part.DOCKER_REGISTRY, Part.HTPASSWD, Part.OPENSSL);
        issuer = new TokenIssuer(USER, PASSWORD);
        registries.put("hub", DistributionRegistry.anonymous());
        registries.put("basic", DistributionRegistry.withBasicAuth(USER, PASSWORD));
        registries.put("tok", DistributionRegistry.withTokenAuth(issuer));
        registries.put("flaky", DistributionRegistry.anonymous());
        Map<String, String> config = new HashMap<>();
        String root = "target/registry-proxy-test-" + UUID.randomUUID();
        config.put("mirror.storage.root", root);
        System.setProperty("slipway.t.mirror.root", root);
        config.put("mirror.proxy.default-upstream", "hub");
        config.put("mirror.proxy.tag-ttl", "2S");
        config.put("mirror.proxy.response-timeout", "5S");
        registries.forEach((name, r) -> {
            config.put("mirror.upstreams." + name + ".url", r.url());
            System.setProperty("slipway.t." + name + ".url", r.url());
            System.setProperty("slipway.t." + name + ".log", r.log().toString());
            System.setProperty("slipway.t." + name + ".root", r.root().toString());
        });
        for (String name : new String[] {"basic", "tok"}) {
            config.put("mirror.upstreams." + name + ".username", USER);
            config.put("mirror.upstreams." + name + ".password", PASSWORD);
        }
        System.setProperty("slipway.t.tokens.issued.file", issuer.countFile().toString());
        System.setProperty("slipway.t.flaky.pid", String.valueOf(registries.get("flaky").pid()));
        return config;
    }

    /** How many {@code method path} requests upstream {@code name} answered with 200, from its access log. */
    public static long requests(String name, String method, String path) {
        String needle = "\"" + method + " " + path + " HTTP/1.1\" 200 ";
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of(System.getProperty("slipway.t." + name
                    + ".log"))).stream().filter(l -> l.contains(needle)).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** host:port of upstream {@code name}. */
    public static String address(String name) {
        return System.getProperty("slipway.t." + name + ".url").substring("http://".length());
    }

    @Override
    public void stop() {
        registries.values().forEach(DistributionRegistry::close);
        if (issuer != null) {
            issuer.close();
        }
    }
}
