package io.slipway.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook: {@code sha256=hex(HMAC-SHA256(secret, timestamp + "." + body))}, sent as
 * {@value #SIGNATURE_HEADER} with the timestamp (epoch seconds) as {@value #TIMESTAMP_HEADER}. Signing the
 * timestamp lets receivers refuse replays.
 */
public final class WebhookSignature {

    public static final String SIGNATURE_HEADER = "X-Slipway-Signature";
    public static final String TIMESTAMP_HEADER = "X-Slipway-Timestamp";

    private WebhookSignature() {}

    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
