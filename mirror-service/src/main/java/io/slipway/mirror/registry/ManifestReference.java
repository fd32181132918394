package io.slipway.mirror.registry;

/** The {@code <reference>} of a manifest URL: a tag or a digest. Exactly one of the two is set. */
public record ManifestReference(Tag tag, Digest digest) {

    public static ManifestReference parse(String reference) {
        return Digest.looksLikeDigest(reference)
                ? new ManifestReference(null, Digest.parse(reference))
                : new ManifestReference(new Tag(reference), null);
    }

    public boolean isDigest() {
        return digest != null;
    }

    @Override
    public String toString() {
        return isDigest() ? digest.toString() : tag.toString();
    }
}
