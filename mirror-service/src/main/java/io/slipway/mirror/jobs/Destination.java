package io.slipway.mirror.jobs;

import io.slipway.mirror.registry.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where a mirror job writes: the push verbs of a registry. Implemented over HTTP for any registry (ECR included) and
 * directly on this mirror's stores. Failures are {@link DestinationException}s (transient or not).
 */
public interface Destination {

    /** The registry host that rewritten references name, e.g. {@code 123456789012.dkr.ecr.eu-west-1.amazonaws.com}. */
    String host();

    /** Called once per repository before anything is written to it (ECR creates missing repositories). */
    default void prepare(String repository) throws IOException {}

    /** The digest a tag or digest reference points at, empty when the destination has no such manifest. */
    Optional<Digest> manifestDigest(String repository, String reference) throws IOException;

    boolean hasBlob(String repository, Digest digest) throws IOException;

    /** Cross-repository mount of a blob the destination holds in {@code from}; false when it did not mount it. */
    boolean mount(String repository, Digest digest, String from) throws IOException;

    /** Uploads a blob of {@code size} bytes (-1: unknown); the destination verifies it against the digest. */
    void pushBlob(String repository, Digest digest, long size, InputStream content) throws IOException;

    void putManifest(String repository, String reference, String mediaType, byte[] content) throws IOException;
}
