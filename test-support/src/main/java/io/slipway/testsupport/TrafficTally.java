package io.slipway.testsupport;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** What came back to a traffic source: answers by model version, non-2xx answers, connection errors. */
public final class TrafficTally {

    private final Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
    private final AtomicInteger non2xx = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final StringBuffer problems = new StringBuffer();

    void answered(int status, String body) {
        if (status / 100 != 2) {
            non2xx.incrementAndGet();
            note("HTTP " + status + ": " + body);
        } else {
            versions.computeIfAbsent(Oip.modelVersion(body), k -> new AtomicInteger()).incrementAndGet();
        }
    }

    void failed(Throwable error) {
        errors.incrementAndGet();
        note(error.toString());
    }

    private void note(String problem) {
        if (problems.length() < 3000) {
            problems.append(problem).append('\n');
        }
    }

    /** 2xx answers by {@code model_version}. */
    public Map<String, Integer> versions() {
        Map<String, Integer> copy = new TreeMap<>();
        versions.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** 2xx answers. */
    public int answered() {
        return versions.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public int non2xx() {
        return non2xx.get();
    }

    public int errors() {
        return errors.get();
    }

    /** non-2xx answers plus connection errors. */
    public int failures() {
        return non2xx() + errors();
    }

    /** The first problems seen, one a line. */
    public String problems() {
        return problems.toString();
    }

    @Override
    public String toString() {
        return "answered=" + versions() + " non2xx=" + non2xx() + " errors=" + errors()
                + (problems.length() > 0 ? "\n" + problems : "");
    }
}
