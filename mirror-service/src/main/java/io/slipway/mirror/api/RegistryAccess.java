package io.slipway.mirror.api;

import io.slipway.mirror.config.MirrorConfig;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RegistryException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may do what. Pull is anonymous by default; push and delete need the configured user, by HTTP basic or by a
 * bearer token from {@code /auth/token} (the flow Docker clients use: /v2/ answers 401 with a Bearer challenge, the
 * client fetches a token, anonymously or with its credentials). Tokens are HMAC-signed and live {@value #TOKEN_SECONDS}s;
 * instances that share {@code mirror.auth.token-key} accept each other's tokens.
 */
@ApplicationScoped
public class RegistryAccess {

    public static final long TOKEN_SECONDS = 300;
    public static final String SERVICE = "slipway-mirror";

    private final String username;
    private final Optional<String> password;
    private final boolean anonymousPull;
    private final byte[] tokenKey;

    public RegistryAccess(MirrorConfig config) {
        this.username = config.auth().username();
        this.password = config.auth().password().filter(p -> !p.isEmpty());
        this.anonymousPull = config.auth().anonymousPull();
        this.tokenKey = config.auth().tokenKey().filter(k -> !k.isBlank()).map(RegistryAccess::derive).orElseGet(() -> {
            // One instance: a key of its own is enough. Several behind one name need the same key (token-key).
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return random;
        });
    }

    /** A 256-bit HMAC key from the configured secret, whatever its length. */
    private static byte[] derive(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The caller, from an Authorization header: empty when anonymous; UNAUTHORIZED when credentials are wrong. */
    public Optional<String> caller(String authorization, URI base, String scope) {
        if (authorization == null || authorization.isBlank()) {
            return Optional.empty();
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.of(checkBasic(authorization.substring(6).trim())
                    .orElseThrow(() -> unauthorized(base, scope, "wrong user name or password")));
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            TokenClaims claims = verifyToken(authorization.substring(7).trim())
                    .orElseThrow(() -> unauthorized(base, scope, "invalid or expired token"));
            return Optional.ofNullable(claims.user());
        }
        throw unauthorized(base, scope, "unsupported Authorization scheme");
    }

    /**
     * GET /v2/: 200 only for a caller that presents valid credentials (a token, anonymous or not, or the user's basic
     * credentials). A request without any is always challenged, in every configuration: {@code docker login} treats
     * a 200 to its first, credential-less GET as "no login needed" and would print "Login Succeeded" for any password.
     */
    public void checkBase(String authorization, URI base) {
        if (authorization == null || authorization.isBlank()) {
            throw unauthorized(base, null, "authentication required");
        }
        caller(authorization, base, null);
    }

    public void checkPull(String authorization, URI base, String repository) {
        String scope = "repository:" + repository + ":pull";
        if (caller(authorization, base, scope).isEmpty() && !anonymousPull) {
            throw unauthorized(base, scope, "pull requires authentication");
        }
    }

    public void checkPush(String authorization, URI base, String repository) {
        String scope = "repository:" + repository + ":pull,push";
        if (caller(authorization, base, scope).isEmpty()) {
            if (password.isEmpty()) {
                throw ErrorCode.DENIED.exception("push and delete are disabled: set MIRROR_AUTH_PASSWORD");
            }
            throw unauthorized(base, scope, "push and delete require authentication");
        }
    }

    /** The admin API (garbage collection, cache drops, space): the push user, as for push and delete. */
    public void checkAdmin(String authorization, URI base) {
        String scope = "registry:catalog:*";
        if (caller(authorization, base, scope).isEmpty()) {
            if (password.isEmpty()) {
                throw ErrorCode.DENIED.exception("the admin API is disabled: set MIRROR_AUTH_PASSWORD");
            }
            throw unauthorized(base, scope, "the admin API requires authentication");
        }
    }

    /** Issues a token for the caller of the token endpoint (anonymous, or the user when basic credentials match). */
    public String issueToken(String authorization) {
        String user = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            user = checkBasic(authorization.substring(6).trim()).orElseThrow(
                    () -> ErrorCode.UNAUTHORIZED.exception("wrong user name or password"));
        }
        long expires = Instant.now().getEpochSecond() + TOKEN_SECONDS;
        String payload = (user == null ? "" : user) + "|" + expires;
        String encoded = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return encoded + "." + sign(encoded);
    }

    private Optional<TokenClaims> verifyToken(String token) {
        int dot = token.lastIndexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String encoded = token.substring(0, dot);
        if (!MessageDigest.isEqual(sign(encoded).getBytes(StandardCharsets.UTF_8),
                token.substring(dot + 1).getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        String payload = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
        int bar = payload.lastIndexOf('|');
        long expires = Long.parseLong(payload.substring(bar + 1));
        if (expires < Instant.now().getEpochSecond()) {
            return Optional.empty();
        }
        String user = payload.substring(0, bar);
        return Optional.of(new TokenClaims(user.isEmpty() ? null : user));
    }

    private Optional<String> checkBasic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || password.isEmpty()) {
            return Optional.empty();
        }
        boolean userOk = MessageDigest.isEqual(decoded.substring(0, colon).getBytes(StandardCharsets.UTF_8),
                username.getBytes(StandardCharsets.UTF_8));
        boolean passwordOk = MessageDigest.isEqual(decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8),
                password.get().getBytes(StandardCharsets.UTF_8));
        return userOk && passwordOk ? Optional.of(username) : Optional.empty();
    }

    private String sign(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(tokenKey, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RegistryException unauthorized(URI base, String scope, String detail) {
        String realm = base.resolve("/auth/token").toString();
        String challenge = "Bearer realm=\"" + realm + "\",service=\"" + SERVICE + "\""
                + (scope == null ? "" : ",scope=\"" + scope + "\"");
        return ErrorCode.UNAUTHORIZED.exception(detail).withHeader("WWW-Authenticate", challenge);
    }

    private record TokenClaims(String user) {}
}
