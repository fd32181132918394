package io.slipway.mirror.api;

import io.slipway.mirror.registry.Catalog;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The {@code Link: <...>; rel="next"} header of paginated lists (catalog, tags). */
final class Pages {

    private Pages() {}

    static void nextLink(Response.ResponseBuilder r, String path, Catalog.Page page) {
        if (page.more()) {
            List<String> items = page.items();
            r.header("Link", "<" + path + "?n=" + items.size() + "&last="
                    + URLEncoder.encode(items.get(items.size() - 1), StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
    }
}
