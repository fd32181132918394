package io.slipway.mirror.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Settings of the mirror; every key can be set by environment variable, e.g. {@code MIRROR_STORAGE_ROOT}. */
@ConfigMapping(prefix = "mirror")
public interface MirrorConfig {

    Storage storage();

    Auth auth();

    Proxy proxy();

    Imports imports();

    Jobs jobs();
    Prefetch prefetch();

    /**
     * Upstream registries by name, e.g. {@code mirror.upstreams.dockerhub.url=https://registry-1.docker.io}.
     * The name is also the prefix of prefix mode: {@code <mirror>/dockerhub/library/nginx}.
     */
    Map<String, Upstream> upstreams();

    interface Storage {
        /** {@code filesystem} (the embedded default) or {@code s3}. */
        @WithDefault("filesystem")
        String type();

        /** Directory of the filesystem store. */
        @WithDefault("/var/lib/slipway/registry")
        String root();

        S3 s3();
    }

    /** An S3 bucket (or an S3-compatible store); credentials come from the AWS default provider chain. */
    interface S3 {
        /** Bucket name; required with {@code mirror.storage.type=s3}. */
        Optional<String> bucket();

        /** Key prefix inside the bucket, e.g. {@code registry}; none: the bucket's root. */
        Optional<String> prefix();

        @WithDefault("us-east-1")
        String region();

        /** Endpoint of an S3-compatible store, e.g. {@code http://127.0.0.1:9000}; none: AWS. */
        Optional<String> endpoint();

        /** Path-style addressing ({@code <endpoint>/<bucket>/<key>}), which most S3-compatible stores need. */
        @WithDefault("false")
        boolean pathStyle();

        /** Blobs up to this size are one PUT; larger ones are multipart uploads in parts of this size (min 5 MiB). */
        @WithDefault("16")
        int partSizeMib();

        /** Answer blob GETs with a 307 to a presigned URL of the object, so the bytes come from S3 directly. */
        @WithDefault("false")
        boolean redirect();

        /** How long a presigned URL is valid. */
        @WithDefault("5M")
        Duration redirectTtl();
    }

    interface Auth {
        /** User that may push and delete (HTTP basic). */
        @WithDefault("slipway")
        String username();

        /** Its password; without one, push and delete are refused. */
        Optional<String> password();

        /** Whether pulls need no credentials. */
        @WithDefault("true")
        boolean anonymousPull();

        /**
         * Secret that signs the bearer tokens; instances behind one name (a mirror per node on one bucket) need the
         * same one, so that a token from one is valid on the others. None: a random key per process.
         */
        Optional<String> tokenKey();
    }

    interface Proxy {
        /**
         * Upstream that serves Docker daemon mirror mode ({@code library/x}, {@code user/repo}); none by default. One
         * that is switched off ({@code enabled=false}) leaves daemon mirror mode off.
         */
        Optional<String> defaultUpstream();

        /** How long a cached tag is served before it is re-validated with a HEAD on the upstream. */
        @WithDefault("5M")
        Duration tagTtl();

        @WithDefault("5S")
        Duration connectTimeout();

        /** Time until the upstream's response headers arrive. */
        @WithDefault("30S")
        Duration responseTimeout();
    }

    interface Imports {
        /**
         * Directory where an imported archive's files wait, hashed, until the whole archive is verified (nothing is
         * stored from a bad archive); none: the JVM's temporary directory. Needs room for the largest archive.
         */
        Optional<String> stagingDir();
    }

    /** Mirror jobs ({@code POST /mirror-jobs}): lists of images copied into this mirror, a registry or AWS ECR. */
    interface Jobs {
        /** Where job records are kept; none: {@code mirror-jobs} under {@code mirror.storage.root}. */
        Optional<String> dir();

        /** Blobs of one image copied at the same time. */
        @WithDefault("4")
        int parallelBlobs();

        /** Tries of one blob or manifest transfer that failed transiently (5xx, 429, a broken connection). */
        @WithDefault("4")
        int attempts();

        /** Wait before the first retry; doubled for each further one, at most 8 times this. */
        @WithDefault("500MS")
        Duration backoff();

        /**
         * Registries (host[:port]) spoken to over plain HTTP, as Docker's {@code insecure-registries}; loopback
         * addresses always are.
         */
        Optional<java.util.List<String>> insecureRegistries();

        /** The ECR API endpoint, e.g. for a VPC endpoint or a test stub; none: AWS's endpoint of the region. */
        Optional<String> ecrEndpoint();
    }

    /** Images kept warm: fetched whole at start and again on every interval (tags re-validated after their TTL). */
    interface Prefetch {
        /**
         * Images as pulled from this mirror, e.g. {@code dockerhub/library/nginx:1.27,models/my-model:1.2}; none by
         * default.
         */
        Optional<List<String>> images();

        /** Only this platform's manifest of a multi-arch image, e.g. {@code linux/amd64}; none: every platform. */
        Optional<String> platform();

        /** How often the list is warmed again after the first run. */
        @WithDefault("1H")
        Duration interval();
    }

    interface Upstream {
        /**
         * Base URL, e.g. {@code https://registry-1.docker.io}; may be left out for the registries known by name
         * ({@code dockerhub}, {@code ghcr}, {@code nvcr}, {@code quay}, {@code ecrpublic}).
         */
        Optional<String> url();

        /** An upstream that is configured but switched off is left out (compose switches each one by a variable). */
        @WithDefault("true")
        boolean enabled();

        Optional<String> username();

        Optional<String> password();
    }
}
