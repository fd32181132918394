package io.slipway.mirror.api;

import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RegistryException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A satisfiable single byte range of a blob of known size ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}). */
public record ByteRange(long start, long length) {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    /** Null when there is no Range header; RANGE_INVALID (416) when it cannot be satisfied. */
    public static ByteRange parse(String header, long size) {
        if (header == null || header.isBlank()) {
            return null;
        }
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw notSatisfiable(header, size);
        }
        long start;
        long end;
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(m.group(1));
                end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            }
        } catch (NumberFormatException e) {
            throw notSatisfiable(header, size);
        }
        if (start >= size || end < start) {
            throw notSatisfiable(header, size);
        }
        return new ByteRange(start, end - start + 1);
    }

    public String contentRange(long size) {
        return "bytes " + start + "-" + (start + length - 1) + "/" + size;
    }

    private static RegistryException notSatisfiable(String header, long size) {
        return ErrorCode.RANGE_INVALID.exception("range " + header + " not satisfiable for " + size + " bytes")
                .withHeader("Content-Range", "bytes */" + size);
    }
}
