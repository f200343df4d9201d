package org.fluxion.kernels;

import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * Whether the kernels may use the Vector API, decided once when this class is initialized: only when the
 * incubator module {@value #MODULE} is in the boot layer and readable from Fluxion's module, that is when the
 * JVM was started with {@code --add-modules jdk.incubator.vector}. Otherwise every kernel runs its plain-Java
 * loop (the scalar tails and reference loops the vector kernels already have: the same formulas, results equal
 * within float32 rounding), and one line logged through {@link System.Logger} names the flag that makes them fast.
 *
 * <p>A class that mentions a {@code jdk.incubator.vector} type fails to load without the module (its static
 * initializer, or the verifier checking an assignment between vector types, throws
 * {@code NoClassDefFoundError}). So vector code lives only in classes of its own, reached from a branch on
 * {@link #ENABLED} through methods whose signatures hold no vector type (as Apache Lucene does); the field is a
 * constant to the JIT, which drops the branch not taken.
 */
public final class Vectorization {
    /** The Vector API's module. */
    public static final String MODULE = "jdk.incubator.vector";
    /** The JVM option that makes {@link #MODULE} readable. */
    public static final String FLAG = "--add-modules " + MODULE;
    /** True when the vector kernels run, false when the plain-Java ones do. */
    public static final boolean ENABLED = detect();

    private Vectorization() {
    }

    private static boolean detect() {
        Optional<Module> vector = ModuleLayer.boot().findModule(MODULE);
        boolean readable = vector.isPresent() && Vectorization.class.getModule().canRead(vector.get());
        if (readable) {
            try {
                // The module could be resolved yet fail to initialize (a JVM without the intrinsics' support).
                Class.forName(MODULE + ".FloatVector", true, Vectorization.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                log("the Vector API (" + MODULE + ") failed to load (" + e + "); Fluxion runs its plain-Java"
                        + " kernels (correct, slower)");
                return false;
            }
        }
        log("the Vector API is not enabled, so Fluxion runs its plain-Java kernels (correct, slower): start java"
                + " with " + FLAG + " for the vector kernels");
        return false;
    }

    private static void log(String message) {
        System.getLogger("org.fluxion").log(Level.WARNING, message);
    }
}
