package io.slipway.mirror.space;

import io.quarkus.test.junit.QuarkusTest;

/** {@link GcUnderLoad} on the filesystem store. */
@QuarkusTest
class GcUnderLoadFilesystemTest extends GcUnderLoad {

    @Override
    int churnPerPusher() {
        return 12;
    }
}
