package io.slipway.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one policy for real parts, in every module: a test that needs a part it does not find fails, naming the part
 * and the command that installs it. Nothing is ever skipped, and the environment ({@code CI} or anything else) does
 * not change what runs.
 */
public final class Requirements {

    /** What installs every part: the test command itself, or the script it calls. */
    public static final String INSTALL = "run ./slipway test (as root on Debian it installs what the tests need), "
            + "or scripts/test-prerequisites.sh";

    private Requirements() {}

    /** Fails with one message for all missing {@code parts}; returns when every one is there. */
    public static void require(Part... parts) {
        List<String> missing = new ArrayList<>();
        List<String> packages = new ArrayList<>();
        for (Part part : parts) {
            if (!part.present().getAsBoolean()) {
                missing.add(part.name() + " (looked for " + part.where() + ")");
                if (!packages.contains(part.debianPackage())) {
                    packages.add(part.debianPackage());
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("this test needs " + String.join(", ", missing) + ", which is missing. "
                    + "Install it: " + INSTALL + "; by hand: apt-get install " + String.join(" ", packages));
        }
    }

    /**
     * Fails when a file this build makes is missing (a module's packaged jar, say); {@code how} says what makes it,
     * e.g. {@code "./mvnw -B package -pl sample-model"}.
     */
    public static void requireBuilt(Path file, String how) {
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(file.toAbsolutePath() + " is missing: build it first (" + how + ")");
        }
    }
}
