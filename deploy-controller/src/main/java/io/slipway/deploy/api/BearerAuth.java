package io.slipway.deploy.api;

import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.rollout.DeployError;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every API call needs {@code Authorization: Bearer <deploy.auth.token>}; without a configured token every call is
 * refused. Health ({@code /q/health}) and metrics ({@code /q/metrics}) are not API resources and stay open.
 */
public class BearerAuth {

    private static final String PREFIX = "Bearer ";

    private final Optional<byte[]> expected;

    public BearerAuth(DeployConfig config) {
        this.expected = config.auth().token().filter(t -> !t.isBlank()).map(BearerAuth::sha256);
    }

    @ServerRequestFilter
    public Optional<Response> check(ContainerRequestContext request) {
        if (expected.isEmpty()) {
            return Optional.of(Problems.of(DeployError.UNAUTHORIZED,
                    "no deploy token is configured on the controller (set DEPLOY_AUTH_TOKEN)", null));
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String given = header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                ? header.substring(PREFIX.length()).trim() : "";
        // Digests of equal length, compared in constant time: neither content nor length leaks through timing.
        if (given.isEmpty() || !MessageDigest.isEqual(sha256(given), expected.get())) {
            return Optional.of(Problems.of(DeployError.UNAUTHORIZED,
                    header == null ? "Authorization: Bearer <token> is required" : "wrong bearer token", null));
        }
        return Optional.empty();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
