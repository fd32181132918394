package io.slipway.openapi.lazy.deployment;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites {@code io.quarkus.smallrye.openapi.runtime.OpenApiDocumentService} (quarkus-smallrye-openapi 3.34):
 * <ul>
 * <li>its {@code prepareDocument}, which the extension's recorder calls while the application starts, becomes
 * {@code prepareNow}, public, implementing {@code DeferredPreparation};</li>
 * <li>a new {@code prepareDocument} only hands its arguments to {@code PendingDocuments.defer};</li>
 * <li>{@code getDocument}, which serves {@code /q/openapi}, first calls {@code PendingDocuments.prepare}.</li>
 * </ul>
 * If the class no longer has both methods with these signatures (a Quarkus upgrade), the build fails and says so:
 * newer Quarkus versions prepare the document lazily themselves and this module can go.
 */
final class DeferDocumentPreparation extends ClassVisitor {

    static final String SERVICE = "io/quarkus/smallrye/openapi/runtime/OpenApiDocumentService";
    static final String PREPARE = "prepareDocument";
    static final String PREPARE_DESC = "(Lio/quarkus/smallrye/openapi/runtime/filter/AutoSecurityFilter;"
            + "Ljava/util/Map;Ljava/lang/String;)V";
    static final String GET = "getDocument";
    static final String GET_DESC = "(Ljava/lang/String;Lio/smallrye/openapi/runtime/io/Format;)[B";
    static final String PREPARE_NOW = "prepareNow";
    private static final String DEFERRED = "io/slipway/openapi/lazy/DeferredPreparation";
    private static final String PENDING = "io/slipway/openapi/lazy/PendingDocuments";

    private boolean prepareSeen;
    private boolean getSeen;

    DeferDocumentPreparation(ClassVisitor next) {
        super(Opcodes.ASM9, next);
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName,
            String[] interfaces) {
        String[] withDeferred = new String[interfaces == null ? 1 : interfaces.length + 1];
        if (interfaces != null) {
            System.arraycopy(interfaces, 0, withDeferred, 0, interfaces.length);
        }
        withDeferred[withDeferred.length - 1] = DEFERRED;
        super.visit(version, access, name, signature, superName, withDeferred);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
            String[] exceptions) {
        if (name.equals(PREPARE) && descriptor.equals(PREPARE_DESC)) {
            prepareSeen = true;
            writeDeferringPrepare(access, signature, exceptions);
            int publicAccess = (access & ~(Opcodes.ACC_PRIVATE | Opcodes.ACC_PROTECTED)) | Opcodes.ACC_PUBLIC;
            return super.visitMethod(publicAccess, PREPARE_NOW, descriptor, signature, exceptions);
        }
        MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
        if (name.equals(GET) && descriptor.equals(GET_DESC)) {
            getSeen = true;
            return new MethodVisitor(Opcodes.ASM9, method) {
                @Override
                public void visitCode() {
                    super.visitCode();
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                    super.visitVarInsn(Opcodes.ALOAD, 1);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, PENDING, "prepare",
                            "(L" + DEFERRED + ";Ljava/lang/String;)V", false);
                }
            };
        }
        return method;
    }

    private void writeDeferringPrepare(int access, String signature, String[] exceptions) {
        MethodVisitor stub = super.visitMethod(access, PREPARE, PREPARE_DESC, signature, exceptions);
        stub.visitCode();
        stub.visitVarInsn(Opcodes.ALOAD, 0);
        stub.visitVarInsn(Opcodes.ALOAD, 1);
        stub.visitVarInsn(Opcodes.ALOAD, 2);
        stub.visitVarInsn(Opcodes.ALOAD, 3);
        stub.visitMethodInsn(Opcodes.INVOKESTATIC, PENDING, "defer", "(L" + DEFERRED
                + ";Lio/quarkus/smallrye/openapi/runtime/filter/AutoSecurityFilter;Ljava/util/Map;Ljava/lang/String;)V",
                false);
        stub.visitInsn(Opcodes.RETURN);
        stub.visitMaxs(4, 4);
        stub.visitEnd();
    }

    @Override
    public void visitEnd() {
        if (!prepareSeen || !getSeen) {
            throw new IllegalStateException(SERVICE.replace('/', '.') + " has no " + (prepareSeen ? "" : PREPARE
                    + PREPARE_DESC + " ") + (getSeen ? "" : GET + GET_DESC) + ": quarkus-smallrye-openapi changed; "
                    + "if it prepares its documents lazily by itself now, remove slipway-lazy-openapi");
        }
        super.visitEnd();
    }
}
