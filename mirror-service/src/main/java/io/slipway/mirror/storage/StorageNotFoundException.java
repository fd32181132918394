package io.slipway.mirror.storage;

import java.io.IOException;

/** No object at a key. */
public class StorageNotFoundException extends IOException {
    public StorageNotFoundException(String key) {
        super("not found: " + key);
    }
}
