package io.slipway.gateway.auth;

import io.quarkus.runtime.StartupEvent;
import io.slipway.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The accepted API keys, known only by their SHA-256 hashes. A presented key is hashed and compared with every
 * configured hash in constant time, so neither the comparison nor the number of keys checked leaks which bytes
 * matched.
 */
@ApplicationScoped
public class ApiKeys {

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final List<byte[]> hashes;

    public ApiKeys(GatewayConfig config) {
        this.hashes = config.auth().apiKeyHashes().orElse(List.of()).stream()
                .map(hash -> hash.trim().toLowerCase(Locale.ROOT))
                .filter(hash -> !hash.isEmpty())
                .map(ApiKeys::decode)
                .toList();
    }

    void announce(@Observes StartupEvent event) {
        if (open()) {
            LOG.warn("no API keys configured (gateway.auth.api-key-hashes): the jobs API is open to anyone who can "
                    + "reach it; configure keys before exposing it");
        } else {
            LOG.infof("API key authentication on (%d key(s))", hashes.size());
        }
    }

    /** True when no keys are configured: every request is let in. */
    public boolean open() {
        return hashes.isEmpty();
    }

    public boolean accepts(String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        byte[] presented = sha256(key);
        boolean match = false;
        for (byte[] hash : hashes) {
            match |= MessageDigest.isEqual(hash, presented);
        }
        return match;
    }

    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] decode(String hash) {
        if (!SHA256_HEX.matcher(hash).matches()) {
            throw new IllegalArgumentException("gateway.auth.api-key-hashes: each entry must be the hex SHA-256 "
                    + "of a key (printf %s \"$KEY\" | sha256sum), got an entry of " + hash.length() + " characters");
        }
        return HexFormat.of().parseHex(hash);
    }
}
