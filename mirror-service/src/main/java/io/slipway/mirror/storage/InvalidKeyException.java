package io.slipway.mirror.storage;

/** A key that is not a plain "/"-separated path inside the store (empty part, ".", "..", odd characters). */
public class InvalidKeyException extends IllegalArgumentException {
    public InvalidKeyException(String key) {
        super("invalid storage key: " + key);
    }
}
