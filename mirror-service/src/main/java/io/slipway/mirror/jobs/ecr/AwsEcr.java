package io.slipway.mirror.jobs.ecr;

import io.slipway.mirror.config.MirrorConfig;
import io.slipway.mirror.jobs.DestinationException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

/**
 * ECR through aws-sdk v2: credentials from the default provider chain (environment, profile, instance role), one client
 * per region, {@code mirror.jobs.ecr-endpoint} to point it elsewhere (a VPC endpoint, a test stub).
 */
@ApplicationScoped
public class AwsEcr implements EcrControlPlane {

    private final Optional<URI> endpoint;
    private final Map<String, EcrClient> clients = new ConcurrentHashMap<>();

    public AwsEcr(MirrorConfig config) {
        this.endpoint = config.jobs().ecrEndpoint().filter(s -> !s.isBlank()).map(URI::create);
    }

    @Override
    public RegistryLogin login(String account, String region) throws DestinationException {
        try {
            AuthorizationData data = client(region).getAuthorizationToken(r -> r.registryIds(account))
                    .authorizationData().stream().findFirst().orElseThrow(() -> new DestinationException(
                            "ECR sent no authorization data for account " + account, false, null));
            String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new DestinationException("ECR sent an authorization token that is not user:password", false,
                        null);
            }
            return new RegistryLogin(URI.create(data.proxyEndpoint()), decoded.substring(0, colon),
                    decoded.substring(colon + 1));
        } catch (SdkException | IllegalArgumentException e) {
            throw failure("GetAuthorizationToken", e);
        }
    }

    @Override
    public void ensureRepository(String account, String region, String repository) throws DestinationException {
        EcrClient ecr = client(region);
        try {
            ecr.describeRepositories(r -> r.registryId(account).repositoryNames(repository));
        } catch (RepositoryNotFoundException missing) {
            try {
                ecr.createRepository(r -> r.registryId(account).repositoryName(repository));
            } catch (RepositoryAlreadyExistsException raced) {
                // created by someone else in between: what we wanted
            } catch (SdkException e) {
                throw failure("CreateRepository " + repository, e);
            }
        } catch (SdkException e) {
            throw failure("DescribeRepositories " + repository, e);
        }
    }

    private static DestinationException failure(String call, Exception e) {
        boolean retryable = e instanceof SdkException s && s.retryable();
        return new DestinationException("ECR " + call + " failed: " + e.getMessage(), retryable, e);
    }

    @PreDestroy
    void close() {
        clients.values().forEach(EcrClient::close);
    }

    private EcrClient client(String region) {
        return clients.computeIfAbsent(region, r -> {
            var b = EcrClient.builder().region(Region.of(r)).httpClientBuilder(ApacheHttpClient.builder());
            endpoint.ifPresent(b::endpointOverride);
            return b.build();
        });
    }
}
