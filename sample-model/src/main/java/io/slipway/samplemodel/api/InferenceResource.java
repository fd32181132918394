package io.slipway.samplemodel.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.slipway.samplemodel.config.SampleModelConfig;
import io.slipway.samplemodel.model.LogisticModel;
import io.slipway.samplemodel.model.ModelState;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** Open Inference Protocol v2 REST endpoints (the subset KServe and Triton clients use). */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
public class InferenceResource {

    private static final List<Oip.TensorMetadata> INPUTS = List.of(
            new Oip.TensorMetadata("input", "FP32", List.of(-1L, (long) LogisticModel.FEATURES)));
    private static final List<Oip.TensorMetadata> OUTPUTS = List.of(
            new Oip.TensorMetadata("probability", "FP32", List.of(-1L, 1L)),
            new Oip.TensorMetadata("logit", "FP32", List.of(-1L, 1L)));

    private final SampleModelConfig config;
    private final ModelState state;
    private final LogisticModel model = new LogisticModel();
    private final Counter inferences;

    public InferenceResource(SampleModelConfig config, ModelState state, MeterRegistry registry) {
        this.config = config;
        this.state = state;
        this.inferences = Counter.builder("sample_model_inferences")
                .description("Inference requests answered")
                .tag("version", config.version())
                .register(registry);
    }

    @GET
    public Oip.ServerMetadata server() {
        return new Oip.ServerMetadata("slipway-sample-model", config.version(), List.of());
    }

    @GET
    @Path("/health/live")
    public Response live() {
        return Response.ok().build();
    }

    @GET
    @Path("/health/ready")
    public Response ready() {
        return Response.status(state.ready() ? 200 : 503).build();
    }

    @GET
    @Path("/models/{name}")
    public Oip.ModelMetadata metadata(String name) {
        requireModel(name);
        return new Oip.ModelMetadata(name, List.of(config.version()), "slipway-java", INPUTS, OUTPUTS);
    }

    @GET
    @Path("/models/{name}/ready")
    public Response modelReady(String name) {
        requireModel(name);
        return Response.status(state.ready() ? 200 : 503)
                .entity(new Oip.Ready(name, state.ready()))
                .build();
    }

    @POST
    @Path("/models/{name}/infer")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Oip.InferResponse> infer(String name, Oip.InferRequest request) {
        return answer(name, null, request);
    }

    @POST
    @Path("/models/{name}/versions/{version}/infer")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Oip.InferResponse> inferVersion(String name, String version, Oip.InferRequest request) {
        return answer(name, version, request);
    }

    private Uni<Oip.InferResponse> answer(String name, String version, Oip.InferRequest request) {
        requireModel(name);
        if (version != null && !version.equals(config.version())) {
            throw new OipException(404, "model '" + name + "' has no version '" + version + "'");
        }
        if (!state.ready()) {
            throw new OipException(503, "model '" + name + "' is loading");
        }
        TensorDecoder.Matrix matrix = TensorDecoder.decode(request);
        LogisticModel.Scores scores = model.score(matrix.values(), matrix.rows());
        List<Long> shape = List.of((long) matrix.rows(), 1L);
        Oip.InferResponse response = new Oip.InferResponse(
                name,
                config.version(),
                request.id() != null ? request.id() : UUID.randomUUID().toString(),
                List.of(new Oip.OutputTensor("probability", shape, "FP32", scores.probabilities()),
                        new Oip.OutputTensor("logit", shape, "FP32", scores.logits())));
        inferences.increment();
        Duration latency = latency(request);
        Uni<Oip.InferResponse> result = Uni.createFrom().item(response);
        // Delay without holding a thread, so slow "GPU" requests do not starve the event loop.
        return latency.isZero() ? result : result.onItem().delayIt().by(latency);
    }

    /** The configured latency, or the request's {@code parameters.latency_ms} (bounded) when given. */
    private Duration latency(Oip.InferRequest request) {
        Object requested = request.parameters() == null ? null : request.parameters().get("latency_ms");
        if (requested == null) {
            return config.latency();
        }
        if (!(requested instanceof Number millis) || millis.longValue() < 0) {
            throw OipException.badRequest("parameters.latency_ms must be a non-negative number");
        }
        Duration wanted = Duration.ofMillis(millis.longValue());
        return wanted.compareTo(config.maxRequestLatency()) > 0 ? config.maxRequestLatency() : wanted;
    }

    private void requireModel(String name) {
        if (!config.names().contains(name)) {
            throw new OipException(404, "unknown model '" + name + "'; this server serves " + config.names());
        }
    }
}
