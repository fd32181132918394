package io.slipway.deploy.fakes;

import java.util.ArrayList;
import java.util.List;

/** The calls the fakes received, in order, one line each (e.g. {@code "proxy.apply blue"}), shared by all fakes. */
public final class Journal {

    private final List<String> entries = new ArrayList<>();

    synchronized void add(String entry) {
        entries.add(entry);
    }

    public synchronized List<String> entries() {
        return List.copyOf(entries);
    }

    /** Position of the first entry equal to {@code entry}; -1 when there is none. */
    public synchronized int indexOf(String entry) {
        return entries.indexOf(entry);
    }

    /** True when every one of {@code inOrder} is in the journal, in this order (other entries may come between). */
    public synchronized boolean hasInOrder(String... inOrder) {
        int from = 0;
        for (String wanted : inOrder) {
            int at = entries.subList(from, entries.size()).indexOf(wanted);
            if (at < 0) {
                return false;
            }
            from += at + 1;
        }
        return true;
    }

    /** True when both happened and the first {@code earlier} came before the first {@code later}. */
    public synchronized boolean firstBefore(String earlier, String later) {
        int a = entries.indexOf(earlier);
        int b = entries.indexOf(later);
        return a >= 0 && b >= 0 && a < b;
    }

    public synchronized boolean contains(String prefix) {
        return entries.stream().anyMatch(e -> e.startsWith(prefix));
    }

    @Override
    public synchronized String toString() {
        return String.join("\n", entries);
    }
}
