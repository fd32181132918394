package io.slipway.deploy.fakes;

import io.slipway.deploy.config.DeployConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@link DeployConfig} for deploys against the fakes: compose project {@code fake}, service {@code sample-model}. */
public final class FakeDeployConfig implements DeployConfig {

    public static final String PROJECT = "fake";

    private volatile Duration healthTimeout;
    private final Duration drainTimeout;
    private Optional<String> mirror = Optional.empty();
    private Optional<String> mirrorPassword = Optional.empty();
    private Optional<String> mirrorPlatform = Optional.empty();
    private volatile Duration holdTimeout = Duration.ofSeconds(5);

    /** Health timeout 5 s, drain timeout 1 s. */
    public FakeDeployConfig() {
        this(Duration.ofSeconds(5), Duration.ofSeconds(1));
    }

    public FakeDeployConfig(Duration healthTimeout, Duration drainTimeout) {
        this.healthTimeout = healthTimeout;
        this.drainTimeout = drainTimeout;
    }

    /** Deploys through the mirror at {@code host} (as the engine reaches it), pulling as slipway/{@code password}. */
    public FakeDeployConfig withMirror(String host, String password, String platform) {
        FakeDeployConfig c = new FakeDeployConfig(healthTimeout, drainTimeout);
        c.mirror = Optional.of(host);
        c.mirrorPassword = Optional.of(password);
        c.mirrorPlatform = Optional.of(platform);
        return c;
    }

    @Override
    public Docker docker() {
        return new Docker() {
            @Override
            public String host() {
                return "unix:///nonexistent/fake.sock";
            }

            @Override
            public String apiVersion() {
                return "1.41";
            }
        };
    }

    /** Sets the health timeout of the deploys the reconciler starts from now on. */
    public FakeDeployConfig healthTimeout(Duration timeout) {
        this.healthTimeout = timeout;
        return this;
    }

    /** Sets how long the hold keeps a request (5 s unless set). */
    public FakeDeployConfig holdTimeout(Duration timeout) {
        this.holdTimeout = timeout;
        return this;
    }

    @Override
    public Hold hold() {
        return new Hold() {
            @Override
            public int port() {
                return 0;
            }

            @Override
            public String host() {
                return "fake-controller";
            }

            @Override
            public Duration timeout() {
                return holdTimeout;
            }
        };
    }

    @Override
    public Nginx nginx() {
        return new Nginx() {
            @Override
            public String configDir() {
                return "/nonexistent/fake-nginx";
            }

            @Override
            public Optional<String> container() {
                return Optional.of("fake-nginx");
            }

            @Override
            public String service() {
                return "nginx";
            }

            @Override
            public String verifyUrl() {
                return "http://127.0.0.1:1";
            }
        };
    }

    @Override
    public Auth auth() {
        return () -> Optional.of("fake-token");
    }

    @Override
    public Optional<List<String>> services() {
        return Optional.empty();
    }

    @Override
    public Optional<String> composeProject() {
        return Optional.of(PROJECT);
    }

    @Override
    public Duration healthTimeout() {
        return healthTimeout;
    }

    @Override
    public Duration drainTimeout() {
        return drainTimeout;
    }

    @Override
    public int modelPort() {
        return 8000;
    }

    @Override
    public boolean httpProbe() {
        return true; // the default: the fake traffic check decides what a probe answers
    }

    @Override
    public Optional<String> mirror() {
        return mirror;
    }

    @Override
    public Optional<String> mirrorUrl() {
        return Optional.empty();
    }

    @Override
    public String mirrorUsername() {
        return "slipway";
    }

    @Override
    public Optional<String> mirrorPassword() {
        return mirrorPassword;
    }

    @Override
    public Optional<List<String>> mirrorUpstreams() {
        return Optional.empty();
    }

    @Override
    public Optional<String> mirrorPlatform() {
        return mirrorPlatform;
    }

    @Override
    public Optional<List<String>> gpuServices() {
        return Optional.empty();
    }

    @Override
    public Duration reconcileInterval() {
        return Duration.ofSeconds(2);
    }

    @Override
    public String stateDir() {
        return "/nonexistent/fake-state";
    }
}
