package org.fluxion.bench;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * OpenBLAS loaded in-process through the JavaCPP presets ({@code org.bytedeco:openblas}, bench-only).
 * Isolated in its own class so a missing native library shows up as {@link #load()} returning null
 * instead of a failure while loading the benchmark.
 */
final class OpenBlas implements AutoCloseable {
    static final String HOW_TO_INSTALL = "needs org.bytedeco:openblas:0.3.30-1.5.12 with its linux-x86_64 "
            + "natives on the class path; rebuild with mvn -B -DskipTests package";

    private OpenBlas() {
    }

    /** The loaded library, or null (with the reason on stderr) when it cannot load here. */
    static OpenBlas load() {
        try {
            org.bytedeco.javacpp.Loader.load(openblas_nolapack.class);
            return new OpenBlas();
        } catch (Throwable e) {  // UnsatisfiedLinkError, NoClassDefFoundError, ...
            System.err.println("gemm: OpenBLAS reference unavailable: " + e);
            return null;
        }
    }

    String describe() {
        return openblas_nolapack.OPENBLAS_VERSION.trim() + " cblas_sgemm, in-process via org.bytedeco:openblas "
                + "0.3.30-1.5.12 (pthreads; thread count set to match)";
    }

    /** Sets OpenBLAS's own thread count. */
    void setThreads(int threads) {
        openblas_nolapack.blas_set_num_threads(threads);
    }

    /** Square row-major operands copied into native memory once, outside the timed calls. */
    Problem problem(float[] a, float[] b, int n) {
        return new Problem(a, b, n);
    }

    static final class Problem implements AutoCloseable {
        private final FloatPointer a;
        private final FloatPointer b;
        private final FloatPointer c;
        private final int n;

        Problem(float[] a, float[] b, int n) {
            this.n = n;
            this.a = new FloatPointer(a);
            this.b = new FloatPointer(b);
            this.c = new FloatPointer((long) n * n);
        }

        /** {@code C = A·B} by cblas_sgemm. */
        void multiply() {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                    openblas_nolapack.CblasNoTrans, n, n, n, 1f, a, n, b, n, 0f, c, n);
        }

        float[] result() {
            float[] out = new float[n * n];
            c.get(out);
            return out;
        }

        @Override
        public void close() {
            a.close();
            b.close();
            c.close();
        }
    }

    @Override
    public void close() {
    }
}
