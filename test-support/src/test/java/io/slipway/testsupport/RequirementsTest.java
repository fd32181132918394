package io.slipway.testsupport;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RequirementsTest {

    private static final Part MISSING = new Part("the frobnicator", "/nonexistent/frob", "frob-tools", () -> false);
    private static final Part PRESENT = new Part("java", "this JVM", "openjdk-17-jdk-headless", () -> true);

    @Test
    void aMissingPartFailsTheTestNamingThePartAndHowToInstallIt() {
        AssertionError e = assertThrows(AssertionError.class, () -> Requirements.require(PRESENT, MISSING));
        assertTrue(e.getMessage().contains("the frobnicator (looked for /nonexistent/frob)"), e.getMessage());
        assertTrue(e.getMessage().contains("./slipway test"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install frob-tools"), e.getMessage());
        assertTrue(!e.getMessage().contains("openjdk"), "only what is missing is named: " + e.getMessage());
    }

    @Test
    void presentPartsPass() {
        assertDoesNotThrow(() -> Requirements.require(PRESENT));
    }

    @Test
    void aMissingBuildOutputNamesTheCommandThatMakesIt() {
        AssertionError e = assertThrows(AssertionError.class, () -> Requirements.requireBuilt(
                Repository.path("no-such-module/target/x.jar"), "./mvnw -B package -pl no-such-module"));
        assertTrue(e.getMessage().contains("./mvnw -B package -pl no-such-module"), e.getMessage());
    }

    /** So that ./slipway test installs every part a test may ask for. */
    @Test
    void everyPartsPackageIsInTheListTheTestCommandInstalls() throws IOException {
        Set<String> listed = Files.readAllLines(Repository.path("scripts/test-packages")).stream()
                .map(line -> line.replaceAll("#.*", "").strip()).filter(line -> !line.isEmpty())
                .flatMap(line -> Set.of(line.split("\\s+")).stream()).collect(Collectors.toSet());
        for (Part part : Part.ALL) {
            assertTrue(listed.contains(part.debianPackage()), part.debianPackage() + " (for " + part
                    + ") is not in scripts/test-packages");
        }
    }
}
