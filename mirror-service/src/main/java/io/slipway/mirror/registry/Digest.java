package io.slipway.mirror.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest such as {@code sha256:<64 hex>}; sha256 and sha512 only. Valid by construction. */
public record Digest(String algorithm, String hex) {

    private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

    public Digest {
        boolean ok = switch (algorithm) {
            case "sha256" -> SHA256.matcher(hex).matches();
            case "sha512" -> SHA512.matcher(hex).matches();
            default -> false;
        };
        if (!ok) {
            throw ErrorCode.DIGEST_INVALID.exception("invalid digest: " + algorithm + ":" + hex);
        }
    }

    /** Parses {@code alg:hex}; {@link ErrorCode#DIGEST_INVALID} when it is not a supported, well-formed digest. */
    public static Digest parse(String text) {
        if (text == null) {
            throw ErrorCode.DIGEST_INVALID.exception("digest missing");
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw ErrorCode.DIGEST_INVALID.exception("invalid digest: " + text);
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static boolean looksLikeDigest(String reference) {
        return reference.contains(":");
    }

    public static Digest sha256(byte[] content) {
        return new Digest("sha256", HexFormat.of().formatHex(newSha256().digest(content)));
    }

    public static Digest compute(String algorithm, byte[] content) {
        return new Digest(algorithm, HexFormat.of().formatHex(messageDigest(algorithm).digest(content)));
    }

    public static MessageDigest newSha256() {
        return messageDigest("sha256");
    }

    public MessageDigest newMessageDigest() {
        return messageDigest(algorithm);
    }

    public boolean matches(MessageDigest finished) {
        return hex.equals(HexFormat.of().formatHex(finished.digest()));
    }

    private static MessageDigest messageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm.equals("sha512") ? "SHA-512" : "SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
