package io.slipway.mirror.support;

import io.slipway.testsupport.Processes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small token service for the registry's token auth (the Docker Hub flow): checks basic credentials and issues
 * RS256 JWTs with an x5c certificate that the real registry is configured to trust. Counts the tokens it issued.
 */
public final class TokenIssuer implements AutoCloseable {

    public static final String SERVICE = "slipway-test-registry";
    public static final String ISSUER = "slipway-test-issuer";

    private final Path dir;
    private final HttpServer server;
    private final PrivateKey key;
    private final String certificateDer;
    private final String user;
    private final String password;
    private final AtomicInteger issued = new AtomicInteger();
    private final ObjectMapper json = new ObjectMapper();

    public TokenIssuer(String user, String password) {
        this.user = user;
        this.password = password;
        try {
            dir = Files.createTempDirectory("slipway-t-mirror-tokens");
            Processes.check(60, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=" + ISSUER, "-keyout", dir.resolve("key.pem").toString(),
                    "-out", dir.resolve("cert.pem").toString());
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pem(dir.resolve("key.pem"))));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(Files.newInputStream(dir.resolve("cert.pem")));
            certificateDer = Base64.getEncoder().encodeToString(cert.getEncoded());
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/token", exchange -> {
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                        .getBytes(StandardCharsets.UTF_8));
                String query = exchange.getRequestURI().getQuery();
                if (!expected.equals(auth)) {
                    exchange.sendResponseHeaders(401, -1);
                    exchange.close();
                    return;
                }
                byte[] body;
                try {
                    body = json.writeValueAsBytes(Map.of("token", token(scope(query)), "expires_in", 300));
                } catch (Exception e) {
                    throw new IOException(e);
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
                Files.writeString(countFile(), String.valueOf(issued.incrementAndGet()));
            });
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    /** The number of tokens issued, as a file (tests read it from another class loader). */
    public Path countFile() {
        return dir.resolve("issued");
    }

    public int issued() {
        return issued.get();
    }

    private static String scope(String query) {
        if (query == null) {
            return null;
        }
        for (String part : query.split("&")) {
            if (part.startsWith("scope=")) {
                return java.net.URLDecoder.decode(part.substring(6), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private String token(String scope) throws Exception {
        List<Object> access = new java.util.ArrayList<>();
        if (scope != null) {
            String[] parts = scope.split(":");
            access.add(Map.of("type", parts[0], "name", parts[1], "actions", List.of(parts[2].split(","))));
        }
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", user);
        claims.put("aud", SERVICE);
        claims.put("exp", now + 300);
        claims.put("nbf", now - 10);
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("access", access);
        Map<String, Object> header = Map.of("typ", "JWT", "alg", "RS256", "x5c", List.of(certificateDer));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(json.writeValueAsBytes(header)) + "."
                + b64.encodeToString(json.writeValueAsBytes(claims));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(key);
        rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(rs256.sign());
    }

    private static byte[] pem(Path file) throws IOException {
        String text = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(text);
    }

    @Override
    public void close() {
        server.stop(0);
        Processes.exec(30, "rm", "-rf", dir.toString());
    }
}
