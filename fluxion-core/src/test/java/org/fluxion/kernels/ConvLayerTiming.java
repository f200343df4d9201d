package org.fluxion.kernels;

import java.util.Arrays;
import java.util.Random;

/**
 * Timing harness (not a test): the float32 forward of each convolution shape of the ResNet-18-shaped network of
 * {@code ./fluxion bench onnx} (64x64 input), per layer, in GFLOP/s, batch 1 and 32. Median wall time of
 * repeats after warm-up (one thread: a low decile of the thread's CPU time). Run from fluxion-core with target/classes and target/test-classes on the class path:
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes
 * org.fluxion.kernels.ConvLayerTiming [threads] [batches...]} (batch 0: the cnn-epoch layers instead).
 */
public final class ConvLayerTiming {
    private static final java.lang.management.ThreadMXBean BEAN =
            java.lang.management.ManagementFactory.getThreadMXBean();
    /** {C, H, O, k, stride, pad, count in the network}. */
    static final int[][] LAYERS = {
            {3, 64, 64, 7, 2, 3, 1},
            {64, 16, 64, 3, 1, 1, 4},
            {64, 16, 128, 3, 2, 1, 1}, {64, 16, 128, 1, 2, 0, 1}, {128, 8, 128, 3, 1, 1, 3},
            {128, 8, 256, 3, 2, 1, 1}, {128, 8, 256, 1, 2, 0, 1}, {256, 4, 256, 3, 1, 1, 3},
            {256, 4, 512, 3, 2, 1, 1}, {256, 4, 512, 1, 2, 0, 1}, {512, 2, 512, 3, 1, 1, 3},
    };

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int[] batches = args.length > 1
                ? Arrays.stream(args).skip(1).mapToInt(Integer::parseInt).toArray() : new int[] {1, 32};
        Parallel.setThreads(threads);
        if (batches.length == 1 && batches[0] == 0) {
            cnnEpochLayers(threads == 1);
            return;
        }
        // one thread: this thread's CPU time, a low decile (a loaded machine inflates wall time); else wall median
        boolean cpu = threads == 1;
        Random rnd = new Random(0);
        for (int nb : batches) {
            double totalMs = 0;
            for (int[] l : LAYERS) {
                Conv2dGeometry g = new Conv2dGeometry(nb, l[0], l[1], l[1], l[2], l[3], l[3], l[4], l[4],
                        l[5], l[5], 1, 1, 1);
                float[] x = random(rnd, g.inputSize()), w = random(rnd, g.weightSize());
                float[] y = new float[g.outputSize()];
                double flops = 2.0 * g.outputSize() * g.inPerGroup() * l[3] * l[3];
                // at least 30: with 5 the Winograd forward was timed before C2 had compiled its transforms (6.9 vs 4.6 ms)
                int reps = (int) Math.max(30, Math.min(400, 3e9 / flops));
                double ms = time(() -> Conv2dKernels.forward(g, x, w, y), reps, cpu);
                totalMs += ms * l[6];
                String without = "";
                if (ConvWinogradF32.applies(g)) { // the same layer with the Winograd forward switched off
                    ConvF32.Tuning off = ConvF32.Tuning.TUNED.withWinograd(false);
                    double offMs = time(() -> ConvF32.forward(g, x, 0, w, 0, y, 0, off), reps, cpu);
                    without = String.format(" (Winograd; without: %.3f ms)", offMs);
                }
                System.out.printf("b%d C%d %dx%d O%d k%d s%d: %.3f ms x%d  %.1f GFLOP/s%s%n", nb, l[0], l[1], l[1],
                        l[2], l[3], l[4], ms, l[6], flops / ms / 1e6, without);
            }
            System.out.printf("b%d total conv %.2f ms%n", nb, totalMs);
        }
    }

    /** Forward, input gradient and weight gradient of the two convolutions of {@code ./fluxion bench cnn-epoch}, batch 64. */
    private static void cnnEpochLayers(boolean cpu) {
        Random rnd = new Random(0);
        Conv2dGeometry[] layers = {Conv2dGeometry.of(64, 1, 28, 28, 32, 3, 1, 0, 1, 1),
                Conv2dGeometry.of(64, 32, 13, 13, 64, 3, 1, 0, 1, 1)};
        for (Conv2dGeometry g : layers) {
            float[] x = random(rnd, g.inputSize()), w = random(rnd, g.weightSize()), dy = random(rnd, g.outputSize());
            float[] y = new float[g.outputSize()], dx = new float[g.inputSize()], dw = new float[g.weightSize()];
            double flops = 2.0 * g.outputSize() * g.inPerGroup() * g.kernelH() * g.kernelW();
            String[] names = {"forward", "inputGrad", "weightGrad"};
            Runnable[] kernels = {() -> Conv2dKernels.forward(g, x, w, y), () -> Conv2dKernels.inputGrad(g, dy, w, dx),
                    () -> Conv2dKernels.weightGrad(g, x, dy, dw)};
            for (int kind = 0; kind < 3; kind++) {
                double ms = time(kernels[kind], (int) Math.max(5, Math.min(400, 3e9 / flops)), cpu);
                System.out.printf("cnn C%d %dx%d O%d %s: %.3f ms  %.1f GFLOP/s%n", g.inChannels(), g.height(),
                        g.width(), g.outChannels(), names[kind], ms, flops / ms / 1e6);
            }
        }
    }

    /** A low decile of this thread's CPU time ({@code cpu}) or the median wall time of {@code reps} runs after as many warm-up runs, in ms. */
    private static double time(Runnable kernel, int reps, boolean cpu) {
        for (int i = 0; i < reps; i++) {
            kernel.run();
        }
        long[] times = new long[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = cpu ? BEAN.getCurrentThreadCpuTime() : System.nanoTime();
            kernel.run();
            times[i] = (cpu ? BEAN.getCurrentThreadCpuTime() : System.nanoTime()) - t0;
        }
        Arrays.sort(times);
        return (cpu ? times[reps / 10] : times[reps / 2]) / 1e6;
    }

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }
}
