package io.slipway.openapi.lazy.deployment;

import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.BytecodeTransformerBuildItem;

/** Defers quarkus-smallrye-openapi's start-up preparation of the OpenAPI document to its first request. */
public class LazyOpenApiProcessor {

    @BuildStep
    BytecodeTransformerBuildItem deferDocumentPreparation() {
        return new BytecodeTransformerBuildItem(DeferDocumentPreparation.SERVICE.replace('/', '.'),
                (className, visitor) -> new DeferDocumentPreparation(visitor));
    }
}
