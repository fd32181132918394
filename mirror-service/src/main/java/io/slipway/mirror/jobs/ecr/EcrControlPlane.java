package io.slipway.mirror.jobs.ecr;

import java.io.IOException;
import java.net.URI;

/** The two ECR control-plane verbs a mirror job needs; the image bytes go over the registry API. */
public interface EcrControlPlane {

    /** A registry login from {@code GetAuthorizationToken}: the endpoint and basic credentials ({@code AWS}, token). */
    record RegistryLogin(URI endpoint, String username, String password) {}

    RegistryLogin login(String account, String region) throws IOException;

    /** Creates the repository unless it exists ({@code DescribeRepositories}, then {@code CreateRepository}). */
    void ensureRepository(String account, String region, String repository) throws IOException;
}
