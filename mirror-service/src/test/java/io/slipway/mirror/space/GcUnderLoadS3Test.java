package io.slipway.mirror.space;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.slipway.mirror.storage.S3StoreResource;

/** {@link GcUnderLoad} on S3 (s3proxy on 127.0.0.1). */
@QuarkusTest
@QuarkusTestResource(value = S3StoreResource.class, restrictToAnnotatedClass = true)
class GcUnderLoadS3Test extends GcUnderLoad {

    @Override
    int churnPerPusher() {
        return 4;
    }
}
