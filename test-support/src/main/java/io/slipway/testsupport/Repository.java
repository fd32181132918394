package io.slipway.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the tests run in. */
public final class Repository {

    private Repository() {}

    /**
     * The repository root: failsafe passes it as {@code slipway.root}; surefire runs in the module directory, so
     * otherwise the nearest directory upwards that holds {@code mvnw} and {@code docker-compose.yml}.
     */
    public static Path root() {
        String configured = System.getProperty("slipway.root");
        if (configured != null && Files.exists(Path.of(configured, "docker-compose.yml"))) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("mvnw")) && Files.exists(dir.resolve("docker-compose.yml"))) {
                return dir;
            }
        }
        throw new AssertionError("cannot find the repository root (mvnw and docker-compose.yml) above "
                + Path.of("").toAbsolutePath());
    }

    /** {@code root()/relative}. */
    public static Path path(String relative) {
        return root().resolve(relative);
    }

    /** The packaged service of a module ({@code <module>/target/quarkus-app/quarkus-run.jar}), which must exist. */
    public static Path packagedJar(String module) {
        Path jar = path(module + "/target/quarkus-app/quarkus-run.jar");
        Requirements.requireBuilt(jar, "./mvnw -B package -pl " + module);
        return jar;
    }

    /** The java binary of this JVM, for child JVMs. */
    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
