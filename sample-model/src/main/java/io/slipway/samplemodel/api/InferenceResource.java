package io.slipway.samplemodel.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.slipway.samplemodel.config.SampleModelConfig;
import io.slipway.samplemodel.model.FailureSchedule;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Open Inference Protocol v2 REST endpoints (the subset KServe and Triton clients use). */
@Path("/v2")
@Tag(name = "Open Inference Protocol v2")
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
    private final FailureSchedule failures;

    public InferenceResource(SampleModelConfig config, ModelState state, MeterRegistry registry) {
        this.config = config;
        this.state = state;
        this.inferences = Counter.builder("sample_model_inferences")
                .description("Inference requests answered")
                .tag("version", config.version())
                .register(registry);
        this.failures = new FailureSchedule(config.failureRate());
    }

    @GET
    @Operation(summary = "Server metadata", description = "The OIP server metadata: this server's name, its model "
            + "version (sample-model.version) and the protocol extensions it supports (none).")
    @APIResponse(responseCode = "200", description = "The server metadata", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Oip.ServerMetadata.class),
            examples = @ExampleObject(name = "server", value = ApiExamples.SERVER)))
    @APIResponse(responseCode = "500", ref = "ServerError")
    public Oip.ServerMetadata server() {
        return new Oip.ServerMetadata("slipway-sample-model", config.version(), List.of());
    }

    @GET
    @Path("/health/live")
    @Operation(summary = "Liveness", description = "200 while the process runs (the OIP server liveness "
            + "endpoint); the container runtime restarts the model when it stops answering.")
    @APIResponse(responseCode = "200", description = "Live (empty body)", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "live", summary = "no body")))
    @APIResponse(responseCode = "500", ref = "ServerError")
    public Response live() {
        return Response.ok().build();
    }

    @GET
    @Path("/health/ready")
    @Operation(summary = "Readiness", description = "200 once the model is loaded (after sample-model.startup-delay) "
            + "and can infer, 503 before: what Docker's healthcheck and the deploy controller wait for.")
    @APIResponse(responseCode = "200", description = "Ready (empty body)", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "ready", summary = "no body")))
    @APIResponse(responseCode = "503", description = "Still loading (empty body)")
    @APIResponse(responseCode = "500", ref = "ServerError")
    public Response ready() {
        return Response.status(state.ready() ? 200 : 503).build();
    }

    @GET
    @Path("/models/{name}")
    @Operation(summary = "Model metadata", description = "The model's OIP metadata: its versions, platform and "
            + "the input and output tensors it takes and gives (name, datatype, shape; -1 is any batch size).")
    @APIResponse(responseCode = "200", description = "The model metadata", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Oip.ModelMetadata.class),
            examples = @ExampleObject(name = "metadata", value = ApiExamples.METADATA)))
    @APIResponse(responseCode = "404", ref = "UnknownModel")
    public Oip.ModelMetadata metadata(@Parameter(description = "The model", example = "sample-model") String name) {
        requireModel(name);
        return new Oip.ModelMetadata(name, List.of(config.version()), "slipway-java", INPUTS, OUTPUTS);
    }

    @GET
    @Path("/models/{name}/ready")
    @Operation(summary = "Model readiness", description = "Whether this model can infer now: 200 with ready true "
            + "once it is loaded, 503 with ready false while it loads; 404 for a model this server does not serve.")
    @APIResponse(responseCode = "200", description = "Ready", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Oip.Ready.class),
            examples = @ExampleObject(name = "ready", value = "{\"name\": \"sample-model\", \"ready\": true}")))
    @APIResponse(responseCode = "503", description = "Still loading", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Oip.Ready.class),
            examples = @ExampleObject(name = "loading", value = "{\"name\": \"sample-model\", \"ready\": false}")))
    @APIResponse(responseCode = "404", ref = "UnknownModel")
    public Response modelReady(@Parameter(description = "The model", example = "sample-model") String name) {
        requireModel(name);
        return Response.status(state.ready() ? 200 : 503)
                .entity(new Oip.Ready(name, state.ready()))
                .build();
    }

    @POST
    @Path("/models/{name}/infer")
    @Operation(summary = "Infer", description = "Scores each row of the FP32 tensor `input` (shape [rows, 4], data flat or nested) with the logistic model: outputs `probability` and `logit`, shape [rows, 1]. parameters.latency_ms (bounded by sample-model.max-request-latency) delays the answer, to act like a slow GPU model.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Oip.InferRequest.class),
            examples = @ExampleObject(name = "two rows", value = ApiExamples.INFER_REQUEST)))
    @APIResponse(responseCode = "200", description = "The probability and logit of each row", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Oip.InferResponse.class),
            examples = @ExampleObject(name = "scores", value = ApiExamples.INFER_RESPONSE)))
    @APIResponse(responseCode = "400", ref = "BadTensors")
    @APIResponse(responseCode = "404", ref = "UnknownModel")
    @APIResponse(responseCode = "503", ref = "Loading")
    @APIResponse(responseCode = "500", ref = "ServerError")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Oip.InferResponse> infer(@Parameter(description = "The model", example = "sample-model") String name,
            Oip.InferRequest request) {
        return answer(name, null, request);
    }

    @POST
    @Path("/models/{name}/versions/{version}/infer")
    @Operation(summary = "Infer with a given model version", description = "As POST /v2/models/{name}/infer, for one version of the model: 404 unless it is the version this server runs (sample-model.version).")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Oip.InferRequest.class),
            examples = @ExampleObject(name = "two rows", value = ApiExamples.INFER_REQUEST)))
    @APIResponse(responseCode = "200", description = "The probability and logit of each row", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Oip.InferResponse.class),
            examples = @ExampleObject(name = "scores", value = ApiExamples.INFER_RESPONSE)))
    @APIResponse(responseCode = "400", ref = "BadTensors")
    @APIResponse(responseCode = "404", ref = "UnknownModelOrVersion")
    @APIResponse(responseCode = "503", ref = "Loading")
    @APIResponse(responseCode = "500", ref = "ServerError")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Oip.InferResponse> inferVersion(@Parameter(description = "The model", example = "sample-model") String name,
            @Parameter(description = "The model version", example = "1") String version, Oip.InferRequest request) {
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
        if (failures.failNext()) {
            throw new OipException(500, "model '" + name + "' failed this request (sample-model.failure-rate "
                    + failures.rate() + ")");
        }
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
