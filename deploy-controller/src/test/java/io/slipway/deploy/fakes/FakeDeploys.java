package io.slipway.deploy.fakes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.slipway.deploy.compose.ComposeProject;
import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.engine.ImageReference;
import io.slipway.deploy.image.ImageResolver;
import io.slipway.deploy.proxy.Route;
import io.slipway.deploy.rollout.DeployContext;
import io.slipway.deploy.rollout.DeployMetrics;
import io.slipway.deploy.rollout.DeployPlan;
import io.slipway.deploy.rollout.Deployer;
import io.slipway.deploy.state.Deploy;
import io.slipway.deploy.state.FileDeployStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real {@link Deployer} on the fakes (engine, proxy, traffic check, request hold, all writing to one
 * {@link Journal}) and the real file store: what the ordering tests deploy through.
 */
public final class FakeDeploys implements AutoCloseable {

    /** The service the ordering tests deploy ({@link #composeService}), its two images and its containers' names. */
    public static final String SERVICE = "sample-model";
    public static final String V1 = "slipway/sample-model:v1";
    public static final String V2 = "slipway/sample-model:v2";
    /** The container compose made, and the first color a deploy starts. */
    public static final String OLD = FakeDeployConfig.PROJECT + "_sample-model_1";
    public static final String NEW = FakeDeployConfig.PROJECT + "_sample-model_blue_2";
    /** nginx's route to the container compose made, before any deploy. */
    public static final Route COMPOSE_ROUTE = new Route(SERVICE, Route.UNMANAGED, "",
            List.of(new Route.Backend(SERVICE, 8000)));

    public final Journal journal = new Journal();
    public final FakeContainerEngine engine = new FakeContainerEngine(journal);
    public final FakeModelProxy proxy = new FakeModelProxy(journal);
    public final FakeTrafficCheck traffic = new FakeTrafficCheck(journal, proxy);
    public final FakeRequestHold hold = new FakeRequestHold(journal);
    public final DeployContext context;
    public final Deployer deployer;

    /** Deploys keep their history in {@code state}. */
    public FakeDeploys(Path state) {
        FakeDeployConfig config = new FakeDeployConfig();
        context = new DeployContext(engine, proxy, new ComposeProject(config, engine), config, traffic,
                new DeployMetrics(new SimpleMeterRegistry()), new ImageResolver(engine, config), hold);
        deployer = new Deployer(context, new FileDeployStore(state, new ObjectMapper().findAndRegisterModules()));
    }

    /**
     * {@link #SERVICE} as compose made it: {@link #V1} running as {@link #OLD} ({@code SAMPLE_MODEL_VERSION=1}) with
     * the model labels plus {@code labels}, {@link #V2} on the engine next to it, and nginx on {@link #COMPOSE_ROUTE}.
     */
    public void composeService(Map<String, String> labels) {
        engine.addImage(V1);
        engine.addImage(V2);
        engine.addComposeContainer(FakeDeployConfig.PROJECT, SERVICE, V1, List.of("SAMPLE_MODEL_VERSION=1"), labels);
        proxy.seed(COMPOSE_ROUTE);
    }

    /** Deploys {@code image} to {@code service} (health timeout 0.3 s, drain 1 s, env {@code SAMPLE_MODEL_VERSION=2}). */
    public Deploy deploy(String service, String image) throws Exception {
        return deploy(service, image, Duration.ofSeconds(1));
    }

    /** Deploys {@code image} to {@code service} like {@link #deploy(String, String)}, with its own drain timeout. */
    public Deploy deploy(String service, String image, Duration drainTimeout) throws Exception {
        DeployPlan plan = new DeployPlan(Deploy.Kind.DEPLOY, service, ImageReference.parse(image), Optional.empty(),
                Optional.empty(), Duration.ofMillis(300), drainTimeout, Map.of("SAMPLE_MODEL_VERSION", "2"),
                Optional.empty());
        return deployer.completion(deployer.submit(plan)).get(30, TimeUnit.SECONDS);
    }

    /** The names of every container there is now. */
    public List<String> names() {
        return engine.containers().stream().map(ContainerInfo::name).toList();
    }

    @Override
    public void close() {
        deployer.stop();
    }
}
