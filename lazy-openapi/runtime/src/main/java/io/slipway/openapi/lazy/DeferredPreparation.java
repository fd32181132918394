package io.slipway.openapi.lazy;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import io.quarkus.smallrye.openapi.runtime.filter.AutoSecurityFilter;
import java.util.List;
import java.util.Map;

/**
 * What the build makes {@code io.quarkus.smallrye.openapi.runtime.OpenApiDocumentService} implement: its own
 * preparation of one document (parse the build-time document, run the start-up filters, write JSON and YAML), under a
 * public name, so that {@link PendingDocuments} can run it later from outside the extension's package.
 */
public interface DeferredPreparation {

    void prepareNow(AutoSecurityFilter autoSecurityFilter, Map<OpenApiFilter.RunStage, List<String>> filters,
            String documentName);
}
