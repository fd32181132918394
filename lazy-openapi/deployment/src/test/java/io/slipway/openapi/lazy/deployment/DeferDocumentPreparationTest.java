package io.slipway.openapi.lazy.deployment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.smallrye.openapi.OpenApiFilter.RunStage;
import io.slipway.openapi.lazy.DeferredPreparation;
import io.smallrye.openapi.runtime.io.Format;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;

/**
 * The rewrite applied to the real {@code OpenApiDocumentService} of the Quarkus in use: the start-up call prepares
 * nothing, the first read prepares and serves the same bytes as the untouched class. (Here without a build-time
 * document on the class path, so the document is quarkus-smallrye-openapi's empty one; the services' OpenAPI tests
 * read their full documents through the same path.)
 */
class DeferDocumentPreparationTest {

    private static final String DOCUMENT = "<default>";
    private static final Map<RunStage, List<String>> NO_FILTERS =
            Map.of(RunStage.RUNTIME_STARTUP, List.of(), RunStage.RUNTIME_PER_REQUEST, List.of(), RunStage.RUN,
                    List.of());

    @Test
    void startUpPreparesNothingAndTheFirstReadServesWhatTheUntouchedServiceServes() throws Exception {
        Object untouched = newService(false);
        prepare(untouched);
        byte[] json = read(untouched, Format.JSON);
        byte[] yaml = read(untouched, Format.YAML);

        Object deferred = newService(true);
        assertInstanceOf(DeferredPreparation.class, deferred);
        prepare(deferred);
        assertTrue(holders(deferred).isEmpty(), "prepareDocument must only defer");
        assertArrayEquals(json, read(deferred, Format.JSON));
        assertEquals(List.of(DOCUMENT), List.copyOf(holders(deferred).keySet()));
        assertArrayEquals(yaml, read(deferred, Format.YAML));
    }

    @Test
    void aChangedServiceFailsTheBuildNamingWhatIsMissing() {
        ClassWriter writer = new ClassWriter(0);
        ClassVisitor rewrite = new DeferDocumentPreparation(writer);
        rewrite.visit(61, 1, DeferDocumentPreparation.SERVICE, null, "java/lang/Object", null);
        IllegalStateException failure = assertThrows(IllegalStateException.class, rewrite::visitEnd);
        assertTrue(failure.getMessage().contains("prepareDocument") && failure.getMessage().contains("getDocument"),
                failure.getMessage());
    }

    private static void prepare(Object service) throws ReflectiveOperationException {
        Method prepare = service.getClass().getDeclaredMethod(DeferDocumentPreparation.PREPARE,
                service.getClass().getClassLoader().loadClass(
                        "io.quarkus.smallrye.openapi.runtime.filter.AutoSecurityFilter"),
                Map.class, String.class);
        prepare.setAccessible(true);
        prepare.invoke(service, null, NO_FILTERS, DOCUMENT);
    }

    private static byte[] read(Object service, Format format) throws ReflectiveOperationException {
        return (byte[]) service.getClass().getMethod(DeferDocumentPreparation.GET, String.class, Format.class)
                .invoke(service, DOCUMENT, format);
    }

    private static Map<?, ?> holders(Object service) throws ReflectiveOperationException {
        Field holders = service.getClass().getDeclaredField("documentHolders");
        holders.setAccessible(true);
        return (Map<?, ?>) holders.get(service);
    }

    /** The service class, rewritten or not, in a loader of its own together with its package's other classes. */
    private static Object newService(boolean rewritten) throws ReflectiveOperationException {
        String runtimePackage = "io.quarkus.smallrye.openapi.runtime.";
        ClassLoader parent = DeferDocumentPreparationTest.class.getClassLoader();
        ClassLoader loader = new ClassLoader(parent) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.startsWith(runtimePackage) || name.indexOf('.', runtimePackage.length()) >= 0) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded == null) {
                        byte[] bytes = bytesOf(parent, name);
                        if (rewritten && name.equals(DeferDocumentPreparation.SERVICE.replace('/', '.'))) {
                            ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES);
                            new ClassReader(bytes).accept(new DeferDocumentPreparation(writer), 0);
                            bytes = writer.toByteArray();
                        }
                        loaded = defineClass(name, bytes, 0, bytes.length);
                    }
                    return loaded;
                }
            }
        };
        return loader.loadClass(DeferDocumentPreparation.SERVICE.replace('/', '.')).getConstructor().newInstance();
    }

    private static byte[] bytesOf(ClassLoader loader, String className) throws ClassNotFoundException {
        try (InputStream in = loader.getResourceAsStream(className.replace('.', '/') + ".class")) {
            if (in == null) {
                throw new ClassNotFoundException(className);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
