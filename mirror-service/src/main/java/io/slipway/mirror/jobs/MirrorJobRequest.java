package io.slipway.mirror.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.Tag;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /mirror-jobs}. */
@Schema(description = "Images to copy, with extra tags and a platform filter, and where to.")
public record MirrorJobRequest(
        @Schema(description = "Source references as Docker writes them; no registry means Docker Hub.",
                example = "[\"nginx:1.27\", \"ghcr.io/acme/model@sha256:…\"]", required = true)
        List<String> images,
        @Schema(description = "Tags given to every copied image besides its own.", example = "[\"prod\"]")
        List<String> extraTags,
        @Schema(description = "Copy only these platforms of multi-arch images (os/architecture[/variant]); none: all.",
                example = "[\"linux/amd64\"]")
        List<String> platforms,
        @Schema(required = true) Destination destination) {

    private static final int MAX_IMAGES = 1000;
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?");

    /** Where the images go. Credentials are used for the job only and never written to its record. */
    @Schema(description = "mirror: this mirror; registry: any OCI registry; ecr: AWS ECR of an account and region.")
    public record Destination(
            @Schema(enumeration = {"mirror", "registry", "ecr"}, required = true, example = "ecr") String type,
            @Schema(description = "registry: host[:port][/prefix]; http:// for a plain-HTTP registry",
                    example = "registry.example.com/models") String registry,
            @Schema(description = "Repository prefix at the destination (mirror, ecr)", example = "models")
            String prefix,
            @Schema(description = "registry: user name (basic or token auth)") String username,
            @Schema(description = "registry: password or token") @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
            String password,
            @Schema(description = "ecr: 12-digit AWS account id", example = "123456789012") String account,
            @Schema(description = "ecr: AWS region", example = "eu-west-1") String region) {}

    /** Checks everything that can be checked before a byte moves; a bad request starts nothing. */
    public MirrorPlan plan() {
        if (images == null || images.isEmpty()) {
            throw ErrorCode.MIRROR_JOB_INVALID.exception("images: at least one image reference is needed");
        }
        if (images.size() > MAX_IMAGES) {
            throw ErrorCode.MIRROR_JOB_INVALID.exception("images: at most " + MAX_IMAGES + " per job");
        }
        List<ImageName> names = images.stream().map(ImageName::parse).toList();
        List<String> tags = extraTags == null ? List.of() : extraTags.stream().map(t -> new Tag(t).value()).toList();
        List<Platform> filter = platforms == null ? List.of() : platforms.stream().map(Platform::parse).toList();
        return new MirrorPlan(names, tags, filter, target());
    }

    private MirrorTarget target() {
        if (destination == null || destination.type() == null) {
            throw ErrorCode.MIRROR_JOB_INVALID.exception("destination.type: one of mirror, registry, ecr");
        }
        String prefix = prefix(destination.prefix());
        return switch (destination.type()) {
            case "mirror" -> MirrorTarget.thisMirror(prefix);
            case "registry" -> registryTarget();
            case "ecr" -> {
                if (destination.account() == null || !ACCOUNT.matcher(destination.account()).matches()) {
                    throw ErrorCode.MIRROR_JOB_INVALID.exception("destination.account: a 12-digit AWS account id");
                }
                if (destination.region() == null || !REGION.matcher(destination.region()).matches()) {
                    throw ErrorCode.MIRROR_JOB_INVALID.exception("destination.region: an AWS region, e.g. eu-west-1");
                }
                yield MirrorTarget.ecr(destination.account(), destination.region(), prefix);
            }
            default -> throw ErrorCode.MIRROR_JOB_INVALID.exception(
                    "destination.type: one of mirror, registry, ecr, not " + destination.type());
        };
    }

    private MirrorTarget registryTarget() {
        String text = destination.registry();
        if (text == null || text.isBlank()) {
            throw ErrorCode.MIRROR_JOB_INVALID.exception("destination.registry: host[:port][/prefix] is needed");
        }
        String scheme = null;
        for (String s : List.of("http://", "https://")) {
            if (text.startsWith(s)) {
                scheme = s.substring(0, s.length() - 3);
                text = text.substring(s.length());
            }
        }
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        if (!HOST.matcher(host).matches()) {
            throw ErrorCode.MIRROR_JOB_INVALID.exception("destination.registry: invalid host " + host);
        }
        String prefix = prefix(slash < 0 ? destination.prefix() : text.substring(slash + 1));
        return MirrorTarget.registry(host, scheme, prefix, destination.username(), destination.password());
    }

    private static String prefix(String prefix) {
        if (prefix == null || prefix.isBlank()) {
            return "";
        }
        String p = prefix.replaceAll("^/+|/+$", "");
        return RepositoryName.of(p).value();
    }
}
