package io.slipway.mirror.storage;

import java.io.IOException;

/** Where the registry keeps its content. Filesystem by default; S3 later, behind the same interface. */
public interface Storage {

    /** Writes, reads back and deletes a small probe object; throws when the store cannot take writes. */
    void checkWritable() throws IOException;

    /** Where this store lives, for health reports and logs. */
    String describe();
}
