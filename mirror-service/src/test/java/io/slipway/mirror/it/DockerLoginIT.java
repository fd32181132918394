package io.slipway.mirror.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.mirror.support.MirrorProcess;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Requirements;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code docker login} against the packaged mirror: wrong credentials fail in every configuration (also with
 * no password set, where /v2/ used to answer 200 to the credential-less first request and docker printed "Login
 * Succeeded" for any password), the right ones succeed.
 */
class DockerLoginIT {

    @TempDir
    Path work;

    private Processes.Result login(MirrorProcess mirror, String user, String password) {
        // Its own client config directory: the test never touches the user's ~/.docker/config.json.
        return Processes.command("docker", "--config", work.resolve("docker-config").toString(), "login",
                mirror.hostPort(), "-u", user, "--password-stdin").stdin(password).exec();
    }

    @Test
    void wrongCredentialsFailWithAndWithoutAConfiguredPasswordAndTheRightOnesSucceed() {
        Requirements.require(Part.DOCKER_ENGINE);
        try (MirrorProcess mirror = new MirrorProcess(work.resolve("with"), "128m", Map.of()).start()) {
            Processes.Result wrong = login(mirror, "slipway", "wrong");
            assertFalse(wrong.ok(), wrong.describe());
            assertTrue(wrong.output().contains("401") || wrong.output().contains("nauthorized"), wrong.describe());
            assertFalse(login(mirror, "someone", "it-secret").ok());
            Processes.Result right = login(mirror, "slipway", "it-secret");
            assertTrue(right.ok() && right.output().contains("Login Succeeded"), right.describe());
        }
        try (MirrorProcess open = new MirrorProcess(work.resolve("without"), "128m",
                Map.of("mirror.auth.password", "")).start()) {
            Processes.Result any = login(open, "slipway", "anything");
            assertFalse(any.ok(), any.describe());
            assertFalse(any.output().contains("Login Succeeded"), any.describe());
        }
    }
}
