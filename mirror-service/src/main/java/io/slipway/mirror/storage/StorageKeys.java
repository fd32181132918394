package io.slipway.mirror.storage;

import java.util.regex.Pattern;

/**
 * What every backend accepts as a key: "/"-separated segments of letters, digits and {@code ._:+=-}, none empty and
 * none starting with a dot (so no ".", "..", or hidden names such as the filesystem store's {@code .tmp}).
 */
public final class StorageKeys {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_:+=-][A-Za-z0-9._:+=-]*");

    private StorageKeys() {}

    /** The key itself; {@link InvalidKeyException} when it is not one. */
    public static String check(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidKeyException(String.valueOf(key));
        }
        for (String segment : key.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new InvalidKeyException(key);
            }
        }
        return key;
    }
}
