package io.slipway.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A real part a test runs against: what it is, how a test sees that it is there, and the Debian package that brings
 * it. Every package named here is in {@code scripts/test-packages} (checked by {@code RequirementsTest}), so
 * {@code ./slipway test} installs it.
 *
 * @param name          what a person calls it, e.g. {@code "nginx"}
 * @param where         where the test looks, for the failure message
 * @param debianPackage the package that installs it
 * @param present       true when the part is there and usable
 */
public record Part(String name, String where, String debianPackage, BooleanSupplier present) {

    /** A Docker engine that answers (not only the CLI): {@code scripts/ensure-docker.sh} starts one. */
    public static final Part DOCKER_ENGINE = new Part("a Docker engine", "`docker version` answering", "docker.io",
            () -> Processes.onPath("docker")
                    && Processes.exec(60, "docker", "version", "--format", "{{.Server.APIVersion}}").ok());
    /** The daemon binary, for tests that start a private second engine. */
    public static final Part DOCKERD = executable("dockerd", "/usr/sbin/dockerd", "docker.io");
    public static final Part DOCKER_COMPOSE = onPath("docker-compose", "docker-compose");
    public static final Part NGINX = executable("nginx", "/usr/sbin/nginx", "nginx");
    public static final Part POSTGRESQL = new Part("PostgreSQL 15", "/usr/lib/postgresql/15/bin/{initdb,pg_ctl}",
            "postgresql", () -> Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/initdb"))
                    && Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/pg_ctl")));
    /** CNCF distribution, the upstream registry of the mirror's pull-through tests. */
    public static final Part DOCKER_REGISTRY = executable("docker-registry", "/usr/bin/docker-registry",
            "docker-registry");
    public static final Part HTPASSWD = executable("htpasswd", "/usr/bin/htpasswd", "apache2-utils");
    public static final Part SKOPEO = executable("skopeo", "/usr/bin/skopeo", "skopeo");
    public static final Part OPENSSL = executable("openssl", "/usr/bin/openssl", "openssl");
    /** {@code ip}, for a private bridge of the second Docker engine. */
    public static final Part IPROUTE2 = new Part("ip (iproute2)", "/usr/sbin/ip or /sbin/ip", "iproute2",
            () -> Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")));
    /** {@code socat}, forwarding 127.0.0.1 ports into a private engine's network namespace. */
    public static final Part SOCAT = executable("socat", "/usr/bin/socat", "socat");
    public static final Part JQ = executable("jq", "/usr/bin/jq", "jq");
    /** {@code nsenter}, entering that namespace (util-linux, on every Debian). */
    public static final Part NSENTER = executable("nsenter", "/usr/bin/nsenter", "util-linux");
    public static final Part CHROMIUM = executable("chromium", "/usr/bin/chromium", "chromium");
    public static final Part CHROMEDRIVER = executable("chromedriver", "/usr/bin/chromedriver", "chromium-driver");

    /** Every part above, for the check that the package list names them all. */
    public static final List<Part> ALL = List.of(DOCKER_ENGINE, DOCKERD, DOCKER_COMPOSE, NGINX, POSTGRESQL,
            DOCKER_REGISTRY, HTPASSWD, SKOPEO, OPENSSL, IPROUTE2, SOCAT, JQ, NSENTER, CHROMIUM, CHROMEDRIVER);

    public static Part executable(String name, String path, String debianPackage) {
        return new Part(name, path, debianPackage, () -> Files.isExecutable(Path.of(path)));
    }

    public static Part onPath(String executable, String debianPackage) {
        return new Part(executable, executable + " on PATH", debianPackage, () -> Processes.onPath(executable));
    }

    @Override
    public String toString() {
        return name;
    }
}
