package org.fluxion.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.fluxion.kernels.Gemm;
import org.fluxion.kernels.Parallel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmark of {@link Gemm#sgemm}, float32 {@code C = A·B} at n = 512 (GFLOP/s = 2 n^3 / time).
 * The side-by-side comparison with OpenBLAS is {@code ./fluxion bench gemm}; this one is for
 * profiling with JMH's tools. Run with, for example:
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp 'fluxion-cli/target/lib/*' org.openjdk.jmh.Main SgemmJmh
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class SgemmJmh {
    @Param("512")
    int n;

    @Param({"1", "2"})
    int threads;

    float[] a;
    float[] b;
    float[] c;

    @Setup
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(1);
        a = new float[n * n];
        b = new float[n * n];
        c = new float[n * n];
        for (int i = 0; i < n * n; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
        Parallel.setThreads(threads);
    }

    @Benchmark
    public float[] sgemm() {
        Gemm.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
        return c;
    }
}
