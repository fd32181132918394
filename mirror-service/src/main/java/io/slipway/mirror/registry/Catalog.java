package io.slipway.mirror.registry;

import io.slipway.mirror.storage.Storage;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Lists the repositories in the store (a directory with {@code _manifests} is a repository). */
@ApplicationScoped
public class Catalog {

    private final Storage storage;

    public Catalog(Storage storage) {
        this.storage = storage;
    }

    public List<String> repositories() throws IOException {
        List<String> result = new ArrayList<>();
        walk(StorageLayout.REPOSITORIES, "", result);
        result.sort(null);
        return result;
    }

    private void walk(String key, String name, List<String> result) throws IOException {
        for (String child : storage.list(key)) {
            if (child.equals("_manifests") && !name.isEmpty()) {
                result.add(name);
            } else if (!child.startsWith("_")) {
                walk(key + "/" + child, name.isEmpty() ? child : name + "/" + child, result);
            }
        }
    }

    /** One page of a sorted list: entries after {@code last}, at most {@code n} (all when n is null). */
    public static Page page(List<String> sorted, Integer n, String last) {
        if (n != null && n < 0) {
            throw ErrorCode.PAGINATION_NUMBER_INVALID.exception("n must not be negative");
        }
        List<String> after = last == null ? sorted
                : sorted.stream().filter(s -> s.compareTo(last) > 0).toList();
        if (n == null || after.size() <= n) {
            return new Page(after, false);
        }
        return new Page(after.subList(0, n), n > 0);
    }

    public record Page(List<String> items, boolean more) {}
}
