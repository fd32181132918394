package io.slipway.mirror.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A STUB of AWS ECR's control-plane JSON API (awsJson1_1, {@code X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.*}):
 * only {@code GetAuthorizationToken}, {@code DescribeRepositories} and {@code CreateRepository}, enough for the mirror's
 * aws-sdk client. ECR itself cannot be reached from the tests; its registry side is a real docker-registry, which
 * {@code GetAuthorizationToken} names as {@code proxyEndpoint} with basic credentials {@code AWS:<password>}.
 * {@code GET /calls} lists the calls it got, as {@code Target repositoryName} lines.
 */
final class EcrApiStub implements AutoCloseable {

    private static final String PREFIX = "AmazonEC2ContainerRegistry_V20150921.";

    private final HttpServer server;
    private final String registryUrl;
    private final String password;
    private final Set<String> repositories = ConcurrentHashMap.newKeySet();
    private final List<String> calls = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();

    EcrApiStub(int port, String registryUrl, String password) {
        this.registryUrl = registryUrl;
        this.password = password;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (ex.getRequestMethod().equals("GET") && ex.getRequestURI().getPath().equals("/calls")) {
                synchronized (calls) {
                    send(ex, 200, String.join("\n", calls));
                }
                return;
            }
            String target = String.valueOf(ex.getRequestHeaders().getFirst("X-Amz-Target"));
            JsonNode body = json.readTree(ex.getRequestBody().readAllBytes());
            String op = target.startsWith(PREFIX) ? target.substring(PREFIX.length()) : target;
            String repo = body.path("repositoryName").asText(body.path("repositoryNames").path(0).asText(""));
            synchronized (calls) {
                calls.add(op + " " + repo);
            }
            switch (op) {
                case "GetAuthorizationToken" -> send(ex, 200, json.writeValueAsString(Map.of("authorizationData",
                        List.of(Map.of("authorizationToken", Base64.getEncoder().encodeToString(("AWS:" + password)
                                .getBytes(StandardCharsets.UTF_8)), "expiresAt", 4102444800L,
                                "proxyEndpoint", registryUrl)))));
                case "DescribeRepositories" -> {
                    if (repositories.contains(repo)) {
                        send(ex, 200, json.writeValueAsString(Map.of("repositories", List.of(Map.of(
                                "repositoryName", repo, "registryId", body.path("registryId").asText())))));
                    } else {
                        error(ex, "RepositoryNotFoundException", "The repository with name '" + repo
                                + "' does not exist in the registry");
                    }
                }
                case "CreateRepository" -> {
                    repositories.add(repo);
                    send(ex, 200, json.writeValueAsString(Map.of("repository", Map.of("repositoryName", repo,
                            "registryId", body.path("registryId").asText()))));
                }
                default -> error(ex, "UnknownOperationException", "the stub does not know " + target);
            }
        }
    }

    private static void error(HttpExchange ex, String type, String message) throws IOException {
        ex.getResponseHeaders().add("x-amzn-ErrorType", type);
        send(ex, 400, "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
