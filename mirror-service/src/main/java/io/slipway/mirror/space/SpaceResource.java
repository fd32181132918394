package io.slipway.mirror.space;

import io.slipway.mirror.api.RegistryAccess;
import io.slipway.mirror.proxy.Namespaces;
import io.slipway.mirror.proxy.RepositoryTarget;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.ManifestReference;
import io.slipway.mirror.registry.ManifestStore;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.StorageLayout;
import io.slipway.mirror.registry.Tag;
import io.slipway.mirror.storage.Storage;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * The admin API for space (the push user only): run a garbage collection (or a dry run of one), show the space the
 * store uses, drop a cached repository or tag. Errors are OCI error bodies, like the registry API's.
 */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "admin", description = "Space: garbage collection, "
        + "cache eviction and the store's size")
public class SpaceResource {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private final SpaceKeeper space;
    private final RegistryAccess access;
    private final Namespaces namespaces;
    private final ManifestStore manifests;
    private final Storage storage;
    private final SpaceConfig config;

    @Context
    HttpHeaders headers;

    @Context
    UriInfo uri;

    public SpaceResource(SpaceKeeper space, RegistryAccess access, Namespaces namespaces, ManifestStore manifests,
            Storage storage, SpaceConfig config) {
        this.space = space;
        this.access = access;
        this.namespaces = namespaces;
        this.manifests = manifests;
        this.storage = storage;
        this.config = config;
    }

    @POST
    @Path("/gc")
    @Operation(summary = "Collect garbage", description = "Online mark-and-sweep: deletes the blobs that no manifest, "
            + "index or referrer references and that nobody wrote or used within the grace period, and uploads idle "
            + "for longer than the upload TTL. Safe while this and other instances on the same store push and pull; "
            + "one collection at a time across them (a lease in the store). With dryRun=true nothing is deleted and "
            + "the report says what would go.")
    @APIResponse(responseCode = "200", description = "What was (or would be) reclaimed", content = @Content(
            schema = @Schema(implementation = GcReport.class), examples = @ExampleObject(name = "report",
                    value = ApiExamples.GC_REPORT)))
    @APIResponse(responseCode = "400", description = "PARAMETER_INVALID: dryRun or grace is not valid",
            content = @Content(
            mediaType = "application/json", schema = @Schema(ref = "Errors"),
                    examples = @ExampleObject(name = "invalid", value = ApiExamples.PARAMETER_INVALID)))
    @APIResponse(responseCode = "401", description = "UNAUTHORIZED: the push user's credentials are needed",
            content = @Content(
            mediaType = "application/json", schema = @Schema(ref = "Errors"),
                    examples = @ExampleObject(name = "unauthorized", value = ApiExamples.UNAUTHORIZED)))
    @APIResponse(responseCode = "409", description = "GC_RUNNING: another collection holds the lease",
            content = @Content(
            mediaType = "application/json", schema = @Schema(ref = "Errors"),
                    examples = @ExampleObject(name = "running", value = ApiExamples.GC_RUNNING)))
    public GcReport gc(
            @Parameter(description = "true: report what would go, delete nothing") @QueryParam("dryRun") String dryRun,
            @Parameter(description = "Grace period for this run instead of mirror.space.grace-period, e.g. 0s, 10m, "
                    + "1h or PT1H; below it a push in progress may lose its blobs")
            @QueryParam("grace") String grace) {
        checkAdmin();
        return space.collect(flag("dryRun", dryRun), grace == null ? config.gracePeriod() : duration("grace", grace));
    }

    @GET
    @Path("/space")
    @Operation(summary = "Show the store's space", description = "Measures the store now: all blob bytes, the bytes "
            + "only caches of upstreams hold (evicted least recently used first beyond cacheLimitBytes), pushed "
            + "bytes (never evicted), bytes no manifest references (freed by the next collection), uploads in "
            + "progress, evictions by this instance, who holds the collection lease, and the last collection here.")
    @APIResponse(responseCode = "200", description = "The store's space", content = @Content(
            schema = @Schema(implementation = SpaceReport.class), examples = @ExampleObject(name = "space",
                    value = ApiExamples.SPACE)))
    @APIResponse(responseCode = "401", description = "UNAUTHORIZED: the push user's credentials are needed",
            content = @Content(
            mediaType = "application/json", schema = @Schema(ref = "Errors"),
                    examples = @ExampleObject(name = "unauthorized", value = ApiExamples.UNAUTHORIZED)))
    public SpaceReport space() throws IOException {
        checkAdmin();
        return space.report();
    }

    @DELETE
    @Path("/cache/{repository: .+}")
    @Operation(summary = "Drop a cached repository or tag", description = "Removes a pull-through cache of an "
            + "upstream repository (named as clients pull it, e.g. dockerhub/library/nginx, or library/nginx in "
            + "daemon mirror mode), or only one of its tags. The next pull fetches it from the upstream again; the "
            + "blobs nothing references any more are freed by the next garbage collection. Pushed repositories are "
            + "deleted with the registry API instead.")
    @APIResponse(responseCode = "200", description = "Dropped", content = @Content(examples = @ExampleObject(
            name = "dropped", value = ApiExamples.DROPPED)))
    @APIResponse(responseCode = "400", description = "NAME_INVALID or TAG_INVALID", content = @Content(
            mediaType = "application/json", schema = @Schema(ref = "Errors"),
                    examples = @ExampleObject(name = "invalid", value = ApiExamples.NAME_INVALID)))
    @APIResponse(responseCode = "401", description = "UNAUTHORIZED: the push user's credentials are needed",
            content = @Content(
            mediaType = "application/json", schema = @Schema(ref = "Errors"),
                    examples = @ExampleObject(name = "unauthorized", value = ApiExamples.UNAUTHORIZED)))
    @APIResponse(responseCode = "404", description = "NAME_UNKNOWN or MANIFEST_UNKNOWN: nothing cached by that name",
            content = @Content(
            mediaType = "application/json", schema = @Schema(ref = "Errors"),
                    examples = @ExampleObject(name = "unknown", value = ApiExamples.NAME_UNKNOWN)))
    @APIResponse(responseCode = "405", description = "UNSUPPORTED: a pushed repository, not a cache",
            content = @Content(
            mediaType = "application/json", schema = @Schema(ref = "Errors"),
                    examples = @ExampleObject(name = "pushed", value = ApiExamples.NOT_A_CACHE)))
    public Map<String, Object> drop(
            @Parameter(description = "Repository as clients pull it") @PathParam("repository") String repository,
            @Parameter(description = "Only this tag") @QueryParam("tag") String tag) throws IOException {
        checkAdmin();
        RepositoryName name = RepositoryName.of(repository);
        RepositoryTarget target = namespaces.forPull(name);
        if (!target.isProxy() || !space.isCache(target.local())) {
            throw ErrorCode.UNSUPPORTED.exception(name + " is a pushed repository, not a cache of an upstream; "
                    + "delete its manifests with the registry API");
        }
        if (!manifests.exists(target.local())) {
            throw ErrorCode.NAME_UNKNOWN.exception(name + " is not cached");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("repository", name.value());
        result.put("stored", target.local().value());
        if (tag != null) {
            Tag t = new Tag(tag);
            manifests.delete(target.local(), new ManifestReference(t, null)); // MANIFEST_UNKNOWN if not cached
            result.put("tag", t.value());
        } else {
            storage.delete(StorageLayout.repo(target.local()));
        }
        result.put("dropped", true);
        return result;
    }

    private void checkAdmin() {
        access.checkAdmin(headers.getHeaderString("Authorization"), uri.getBaseUri());
    }

    private static boolean flag(String name, String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true") || value.isEmpty()) {
            return true;
        }
        throw ErrorCode.PARAMETER_INVALID.exception(name + " must be true or false, not " + value);
    }

    /** {@code 30s}, {@code 10m}, {@code 1h}, {@code 2d}, {@code 0s} or ISO-8601 ({@code PT1H}); never negative. */
    static Duration duration(String name, String value) {
        Matcher m = SHORT_DURATION.matcher(value);
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw ErrorCode.PARAMETER_INVALID.exception(name + " must be a duration such as 10m, 1h or PT1H, not "
                        + value);
            }
        }
        if (d.isNegative()) {
            throw ErrorCode.PARAMETER_INVALID.exception(name + " must not be negative: " + value);
        }
        return d;
    }
}
