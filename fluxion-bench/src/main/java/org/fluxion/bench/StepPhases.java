package org.fluxion.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.fluxion.kernels.Parallel;
import org.fluxion.nn.Functions;
import org.fluxion.nn.Module;
import org.fluxion.optim.Adam;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Where a {@link SequenceBench} training step spends its time, Fluxion alone: median milliseconds of the
 * forward pass (loss included), the backward pass and the Adam step over a number of steps, after warm-up.
 * Also the fastest step, the mean wall time and the process CPU time per step: on a loaded machine the fastest
 * step and the CPU time move less than the medians. A tool for working on the step, not a benchmark (no reference, no ratio):
 * {@code java -cp "fluxion-cli/target/classes:fluxion-cli/target/lib/*" --add-modules jdk.incubator.vector
 * org.fluxion.bench.StepPhases transformer [steps]}.
 */
public final class StepPhases {
    private StepPhases() {
    }

    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "transformer";
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        SequenceBench bench = switch (name) {
            case "transformer" -> SequenceBench.transformer();
            case "lstm" -> SequenceBench.lstm();
            default -> throw new IllegalArgumentException("StepPhases: expected transformer or lstm, got " + name);
        };
        Parallel.setThreads(SequenceBench.THREADS);
        Module net = bench.model();
        Adam adam = new Adam(1e-3);
        Tensor x = Tensor.randn(new SplittableRandom(1), DType.FLOAT32, bench.inputDims());
        Tensor target = Tensor.randn(new SplittableRandom(2), DType.FLOAT32, bench.inputDims());
        double[][] ms = new double[3][steps];
        double fastest = Double.POSITIVE_INFINITY;
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        long cpu0 = 0;
        long wall0 = 0;
        for (int i = -5; i < steps; i++) {
            if (i == 0) {
                cpu0 = os.getProcessCpuTime();
                wall0 = System.nanoTime();
            }
            long t0 = System.nanoTime();
            net.zeroGrad();
            Tensor loss = Functions.mse(net.apply(x), target);
            long t1 = System.nanoTime();
            loss.backward();
            long t2 = System.nanoTime();
            adam.step(net.parameters());
            long t3 = System.nanoTime();
            if (i >= 0) {
                fastest = Math.min(fastest, (t3 - t0) / 1e6);
                ms[0][i] = (t1 - t0) / 1e6;
                ms[1][i] = (t2 - t1) / 1e6;
                ms[2][i] = (t3 - t2) / 1e6;
            }
        }
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e6 / steps;
        double wall = (System.nanoTime() - wall0) / 1e6 / steps;
        double f = median(ms[0]);
        double b = median(ms[1]);
        double o = median(ms[2]);
        System.out.println(String.format(Locale.ROOT, "%s: forward %.1f ms, backward %.1f ms, adam %.1f ms, "
                + "sum %.1f ms (medians of %d steps); fastest step %.1f ms; mean wall %.1f ms, process CPU %.1f ms "
                + "per step", name, f, b, o, f + b + o, steps, fastest, wall, cpu));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
