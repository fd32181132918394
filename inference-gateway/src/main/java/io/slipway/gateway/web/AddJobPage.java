package io.slipway.gateway.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.slipway.gateway.api.JobSubmissions;
import io.slipway.gateway.auth.ApiKeys;
import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.job.Job;
import io.slipway.gateway.job.JobQuery;
import io.slipway.gateway.job.JobRejected;
import io.slipway.gateway.job.JobStatus;
import io.slipway.gateway.job.JobView;
import io.slipway.gateway.model.ModelCatalog;
import io.slipway.gateway.store.JobStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * {@code /AddJob}, the job submission page of the production model containers, for people: the page, and the
 * fragments its htmx forms swap in. Submissions go through the same checks as {@code POST /jobs}; a refusal is the
 * same problem+json, which the page shows as title and detail. The page itself is open; its fragments need the API
 * key (sent by the page as a bearer token) like the API.
 */
@Path("/AddJob")
@Produces(MediaType.TEXT_HTML)
public class AddJobPage {

    private static final int RECENT = 20;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(List<String> models, boolean keysRequired, List<String> statuses,
                String example);

        static native TemplateInstance job(JobView job);

        static native TemplateInstance jobs(List<JobView> jobs, String status);

        static native TemplateInstance result(JobView job, List<OutputTensor> outputs, String raw);
    }

    /** One output tensor of a result, as a table row. */
    public record OutputTensor(String name, String datatype, String shape, List<String> values, int more) {}

    private final JobSubmissions submissions;
    private final JobStore store;
    private final ModelCatalog catalog;
    private final ApiKeys keys;
    private final ObjectMapper json;
    private final InputFiles files;

    public AddJobPage(JobSubmissions submissions, JobStore store, ModelCatalog catalog, ApiKeys keys,
            ObjectMapper json, InputFiles files) {
        this.submissions = submissions;
        this.store = store;
        this.catalog = catalog;
        this.keys = keys;
        this.json = json;
        this.files = files;
    }

    @GET
    public TemplateInstance page() {
        return Templates.page(catalog.names(), !keys.open(),
                Arrays.stream(JobStatus.values()).map(JobStatus::wire).toList(), InputFiles.EXAMPLE);
    }

    /**
     * Submits what the form holds: the input as JSON text, or as a file (JSON, or CSV with a header row: one record
     * per row), and an optional mapping file; without one, the model's configured mapping applies.
     */
    @POST
    @Path("/jobs")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response submit(@RestForm String model, @RestForm String input, @RestForm FileUpload file,
            @RestForm FileUpload mappingFile) {
        ObjectNode submission = json.createObjectNode();
        submission.put("model", model == null ? "" : model);
        Optional<FileUpload> inputFile = present(file);
        if (inputFile.isPresent()) {
            submission.set("input", files.read(inputFile.get().fileName(), bytes(inputFile.get())));
        } else if (input != null && !input.isBlank()) {
            submission.set("input", files.json(input, "the input"));
        } else {
            throw new JobRejected(GatewayError.INVALID_SUBMISSION, "give the input as JSON text or as a file");
        }
        present(mappingFile).ifPresent(mapping -> submission.set("mapping",
                files.json(new String(bytes(mapping), StandardCharsets.UTF_8), "the mapping file")));
        Job job = submissions.submit(Optional.empty(), submission).job();
        // The recent-jobs list refreshes on this event.
        return Response.ok(Templates.job(JobView.of(job))).header("HX-Trigger", "jobSubmitted").build();
    }

    @GET
    @Path("/jobs")
    public TemplateInstance jobs(@RestQuery String status) {
        Optional<JobStatus> wanted = status == null || status.isBlank() ? Optional.empty()
                : Optional.of(JobStatus.parse(status).orElseThrow(() -> new JobRejected(GatewayError.INVALID_QUERY,
                        "status is one of queued, running, succeeded, failed, canceled; got '" + status + "'")));
        List<JobView> jobs = store.list(new JobQuery(Optional.empty(), wanted, RECENT, Optional.empty())).jobs()
                .stream().map(JobView::of).toList();
        return Templates.jobs(jobs, status == null ? "" : status);
    }

    /** The result of a succeeded job as a table of output tensors, and the raw JSON. */
    @GET
    @Path("/jobs/{id}/result")
    public TemplateInstance result(@RestPath String id) {
        JobSubmissions.requireJobId(id);
        Job job = store.find(id).orElseThrow(() -> new JobRejected(GatewayError.UNKNOWN_JOB,
                "no job '" + id + "' (never submitted, or expired)"));
        if (job.status() != JobStatus.SUCCEEDED) {
            throw new JobRejected(GatewayError.JOB_HAS_NO_RESULT, "job '" + id + "' is " + job.status().wire()
                    + (job.error() == null ? "" : ": " + job.error()));
        }
        String result = store.result(id).orElseThrow(() -> new JobRejected(GatewayError.JOB_HAS_NO_RESULT,
                "job '" + id + "' has no stored result"));
        try {
            JsonNode answer = json.readTree(result);
            List<OutputTensor> outputs = new ArrayList<>();
            for (JsonNode output : answer.path("outputs")) {
                List<String> values = new ArrayList<>();
                JsonNode data = output.path("data");
                for (int i = 0; i < Math.min(data.size(), 50); i++) {
                    values.add(data.get(i).asText());
                }
                outputs.add(new OutputTensor(output.path("name").asText(), output.path("datatype").asText(),
                        output.path("shape").toString(), values, Math.max(0, data.size() - values.size())));
            }
            return Templates.result(JobView.of(job), outputs,
                    json.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
        } catch (JsonProcessingException e) {
            throw new JobRejected(GatewayError.JOB_HAS_NO_RESULT, "job '" + id + "' has a result that is not JSON");
        }
    }

    private static Optional<FileUpload> present(FileUpload upload) {
        return upload == null || upload.size() == 0 || upload.fileName() == null || upload.fileName().isBlank()
                ? Optional.empty() : Optional.of(upload);
    }

    private static byte[] bytes(FileUpload upload) {
        try {
            return Files.readAllBytes(upload.uploadedFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
