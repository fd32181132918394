package io.slipway.openapi.lazy;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import io.quarkus.smallrye.openapi.runtime.filter.AutoSecurityFilter;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The OpenAPI documents whose preparation was asked for at start and not yet needed.
 *
 * <p>quarkus-smallrye-openapi 3.34 prepares every document while the application starts (its RUNTIME_INIT recorder
 * calls {@code OpenApiDocumentService.prepareDocument}): up to ~40 % of a service's Quarkus start, for a document that
 * only Swagger and API clients read. The build rewrites that method to {@link #defer} and has
 * {@code getDocument}, the one way the document is read, call {@link #prepare} first. The arguments are kept as they
 * came, so the same code later writes the same document. Per service instance (weakly: a {@code @QuarkusTest} run
 * starts several applications in one JVM).
 */
public final class PendingDocuments {

    private record Pending(AutoSecurityFilter autoSecurityFilter, Map<OpenApiFilter.RunStage, List<String>> filters) {
    }

    private static final Map<DeferredPreparation, Map<String, Pending>> PENDING =
            Collections.synchronizedMap(new WeakHashMap<>());

    private PendingDocuments() {
    }

    /** Called instead of the start-up preparation of {@code documentName}. */
    public static void defer(DeferredPreparation service, AutoSecurityFilter autoSecurityFilter,
            Map<OpenApiFilter.RunStage, List<String>> filters, String documentName) {
        PENDING.computeIfAbsent(service, s -> new HashMap<>())
                .put(documentName, new Pending(autoSecurityFilter, filters));
    }

    /**
     * Called before each read of {@code documentName}: prepares it if its start asked for that and nobody has since.
     * Concurrent first readers wait for the one that prepares it.
     */
    public static void prepare(DeferredPreparation service, String documentName) {
        Map<String, Pending> documents = PENDING.get(service);
        if (documents == null) {
            return;
        }
        synchronized (documents) {
            Pending pending = documents.get(documentName);
            if (pending != null) {
                service.prepareNow(pending.autoSecurityFilter(), pending.filters(), documentName);
                documents.remove(documentName);
            }
        }
    }
}
