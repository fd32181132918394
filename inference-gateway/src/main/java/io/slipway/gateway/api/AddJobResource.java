package io.slipway.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slipway.gateway.job.JobView;
import io.slipway.gateway.model.ModelCatalog;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /data/add-job}, for clients written against the production model containers' job endpoint: the body
 * is the job's data itself. {@code model} defaults to the first configured model; without {@code input}, every
 * field other than the submission keys is the input (mapped with the model's configured mapping).
 */
@Path("/data/add-job")
@Tag(name = "Jobs")
@Produces(MediaType.APPLICATION_JSON)
public class AddJobResource {

    private static final List<String> SUBMISSION_KEYS = List.of("model", "webhook", "mapping", "timeoutSeconds");

    private final JobSubmissions submissions;
    private final ModelCatalog catalog;

    public AddJobResource(JobSubmissions submissions, ModelCatalog catalog) {
        this.submissions = submissions;
        this.catalog = catalog;
    }

    @POST
    @Operation(summary = "Submit a job, the production containers' way", description = "The body is the job's data "
            + "itself, turned into tensors by the model's configured mapping; `model` defaults to the first served "
            + "model. `model`, `webhook`, `mapping` and `timeoutSeconds` keys are taken as in `POST /jobs`; with an "
            + "`input` key, that is the input.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "data", value = ApiExamples.ADD_JOB)))
    @APIResponse(responseCode = "202", description = "Stored and queued", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class),
            examples = @ExampleObject(name = "job", value = ApiExamples.JOB)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "UnknownModel")
    @APIResponse(responseCode = "413", ref = "BodyTooLarge")
    @APIResponse(responseCode = "429", ref = "QueueFull")
    @APIResponse(responseCode = "503", ref = "StoreUnavailable")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addJob(byte[] body, @Context UriInfo uri) {
        ObjectNode data = submissions.parse(body);
        ObjectNode submission = data.objectNode();
        submission.put("model", data.has("model") ? data.get("model").asText() : catalog.names().get(0));
        for (String key : SUBMISSION_KEYS.subList(1, SUBMISSION_KEYS.size())) {
            if (data.has(key)) {
                submission.set(key, data.get(key));
            }
        }
        if (data.has("input")) {
            submission.set("input", data.get("input"));
        } else {
            ObjectNode input = data.deepCopy();
            input.remove(SUBMISSION_KEYS);
            submission.set("input", input);
        }
        return JobsResource.accepted(submissions.submit(Optional.empty(), submission), uri);
    }
}
