package org.fluxion.kernels;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Rough timings of the Fashion-MNIST CNN layers (batch 64, float32) for kernel work; prints, never
 * asserts. Off by default: {@code mvn -pl fluxion-core test -Dtest=ConvPerfTest -Dfluxion.perf=true}.
 */
@Tag("perf")
@EnabledIfSystemProperty(named = "fluxion.perf", matches = "true")
class ConvPerfTest {

    private interface Op {
        void run();
    }

    /** Median of {@code reps} runs after at least {@code warm} warm-up runs and 0.4 s, in milliseconds. */
    private static double time(Op op, int warm, int reps) {
        long until = System.nanoTime() + 400_000_000L;
        for (int i = 0; i < warm || System.nanoTime() < until; i++) {
            op.run();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            op.run();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        java.util.Arrays.sort(t);
        return t[reps / 2];
    }

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextFloat() - 0.5f;
        }
        return a;
    }

    private static void conv(String name, Conv2dGeometry g, Random rnd) {
        float[] x = random(rnd, g.inputSize()), w = random(rnd, g.weightSize()), dy = random(rnd, g.outputSize());
        float[] y = new float[g.outputSize()], dx = new float[g.inputSize()], dw = new float[g.weightSize()];
        double f = time(() -> Conv2dKernels.forward(g, x, w, y), 10, 21);
        double bi = time(() -> Conv2dKernels.inputGrad(g, dy, w, dx), 10, 21);
        double bw = time(() -> Conv2dKernels.weightGrad(g, x, dy, dw), 10, 21);
        double gflop = 2.0 * g.outputSize() * g.inPerGroup() * g.kernelH() * g.kernelW() / 1e9;
        System.out.printf("%-28s forward %7.2f ms  inputGrad %7.2f ms  weightGrad %7.2f ms  (%.2f GFLOP each; "
                + "forward %.1f GFLOP/s)%n", name, f, bi, bw, gflop, gflop / f * 1e3);
    }

    private static void pool(String name, Pool2dGeometry g, Random rnd) {
        float[] x = random(rnd, g.inputSize()), y = new float[g.outputSize()], dy = random(rnd, g.outputSize());
        float[] dx = new float[g.inputSize()];
        int[] arg = new int[g.outputSize()];
        double f = time(() -> Pool2dKernels.maxForward(g, x, y, arg), 20, 41);
        double b = time(() -> Pool2dKernels.maxBackward(g, dy, arg, dx), 20, 41);
        System.out.printf("%-28s maxForward %6.3f ms  maxBackward %6.3f ms%n", name, f, b);
    }

    @Test
    void mnistCnnLayers() {
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(2);
            Random rnd = new Random(1);
            conv("conv 1->32 28x28 pad0", Conv2dGeometry.of(64, 1, 28, 28, 32, 3, 1, 0, 1, 1), rnd);
            conv("conv 32->64 13x13 pad0", Conv2dGeometry.of(64, 32, 13, 13, 64, 3, 1, 0, 1, 1), rnd);
            conv("conv 32->64 14x14 pad1", Conv2dGeometry.of(64, 32, 14, 14, 64, 3, 1, 1, 1, 1), rnd);
            pool("maxpool2 64x32x26x26", Pool2dGeometry.maxPool2d(64, 32, 26, 26, 2, 2, 0, false), rnd);
            pool("maxpool2 64x64x11x11", Pool2dGeometry.maxPool2d(64, 64, 11, 11, 2, 2, 0, false), rnd);
        } finally {
            Parallel.setThreads(saved);
        }
    }
}
