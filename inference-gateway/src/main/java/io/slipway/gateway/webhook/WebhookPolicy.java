package io.slipway.gateway.webhook;

import io.slipway.gateway.config.GatewayConfig;
import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.job.JobRejected;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which webhook URLs may be called: only http(s) URLs whose host (or host:port) is allow-listed, so clients cannot
 * make the gateway call internal services (SSRF). Nothing is allowed unless configured.
 */
@ApplicationScoped
public class WebhookPolicy {

    private final List<String> allowed;
    private final Optional<String> secret;

    public WebhookPolicy(GatewayConfig config) {
        this.allowed = config.webhooks().allowedHosts().orElse(List.of()).stream()
                .map(host -> host.trim().toLowerCase(Locale.ROOT)).filter(host -> !host.isEmpty()).toList();
        this.secret = config.webhooks().secret().filter(s -> !s.isBlank());
    }

    /** The URL when it may be called; otherwise a 400 saying why. */
    public String require(String url) {
        if (secret.isEmpty()) {
            throw new JobRejected(GatewayError.WEBHOOKS_DISABLED, "no gateway.webhooks.secret is configured");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new JobRejected(GatewayError.INVALID_WEBHOOK, "'" + url + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                || uri.getRawUserInfo() != null) {
            throw new JobRejected(GatewayError.INVALID_WEBHOOK, "a webhook must be an http(s) URL with a host and "
                    + "no user info, got '" + url + "'");
        }
        if (!allows(uri)) {
            throw new JobRejected(GatewayError.WEBHOOK_HOST_NOT_ALLOWED, "host '" + uri.getHost() + "' is not in "
                    + "gateway.webhooks.allowed-hosts " + allowed);
        }
        return uri.toString();
    }

    public boolean allows(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return allowed.contains(host) || uri.getPort() > 0 && allowed.contains(host + ":" + uri.getPort());
    }

    public Optional<String> secret() {
        return secret;
    }
}
