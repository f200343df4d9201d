package org.fluxion.bench;

import java.io.PrintStream;
import java.util.List;
import org.fluxion.autodiff.GradMode;
import org.fluxion.data.Synthetic;
import org.fluxion.data.TensorDataset;
import org.fluxion.kernels.Parallel;
import org.fluxion.tensor.Tensor;

/**
 * {@code ./fluxion bench moons-eager}: the loop of {@link MoonsBench} (seed 003's 2-3-2 tanh/softmax network,
 * 200 points, full-batch gradient descent) on the tape, as a PyTorch user writes it: parameters that require
 * grad, {@code loss.backward()}, then {@code p -= lr * p.grad} under no-grad and the gradients cleared. About
 * 20 recorded ops on tensors of at most 200 x 3 per step, so what is timed is the per-op cost of recording,
 * dispatch, allocation and the backward walk. The reference is the same step in PyTorch eager
 * ({@code python/moons.py}, 1 thread); steady state after warm-up, 20,000 steps.
 */
public final class MoonsEagerBench implements Benchmark {
    @Override
    public String name() {
        return "moons-eager";
    }

    @Override
    public String description() {
        return "the moons loop (2-3-2 tanh/softmax, 20,000 steps) on the tape, no jit: Fluxion eager vs PyTorch eager";
    }

    /** The parameters of {@link MoonsBench#initialParams}, as leaves that require grad. */
    static List<Tensor> leaves() {
        return MoonsBench.initialParams().stream().map(p -> p.copy().requiresGrad(true)).toList();
    }

    /** One step on the tape: backward through {@link MoonsBench#loss}, then {@code p -= lr * grad}. */
    static Tensor step(List<Tensor> params, Tensor x, Tensor y) {
        Tensor loss = MoonsBench.loss(params, x, y);
        loss.backward();
        try (var scope = GradMode.noGrad()) {
            for (Tensor p : params) {
                p.subInPlace(p.grad().mul(MoonsBench.LR));
                p.zeroGrad();
            }
        }
        return loss;
    }

    @Override
    public void run(PrintStream out) throws Exception {
        Parallel.setThreads(1); // as the reference and MoonsBench: tensors of 200 x 3 are too small to split
        try {
            runOneThread(out);
        } finally {
            Parallel.setThreads(Runtime.getRuntime().availableProcessors());
        }
    }

    private void runOneThread(PrintStream out) throws Exception {
        TensorDataset data = Synthetic.moons(MoonsBench.POINTS, 0.20, 0);
        Tensor x = data.features();
        Tensor y = data.labels();
        List<Tensor> params = leaves();
        int steps = MoonsBench.STEPS;
        Runnable fluxion = () -> {
            for (int i = 0; i < steps; i++) {
                step(params, x, y);
            }
        };
        String config = "h" + MoonsBench.HIDDEN + "-n" + MoonsBench.POINTS + "-steps" + steps + "-t1";
        if (!PythonReference.available()) {
            double t = Alternating.run(fluxion, () -> { }, 1, 3, 1).fluxionSeconds();
            out.println(BenchLine.unavailable(name(), config, BenchLine.seconds(t), PythonReference.INSTALL_HINT));
            return;
        }
        try (PythonReference torch = PythonReference.start("moons", 1, Integer.toString(MoonsBench.HIDDEN))) {
            Alternating.Result r = Alternating.runTimed(fluxion, calls -> torch.run(calls * steps), 1, 5, 1);
            out.println(steps + " steps on the tape: Fluxion eager " + BenchLine.seconds(r.fluxionSeconds()) + " ("
                    + BenchLine.seconds(r.fluxionSeconds() / steps) + "/step), PyTorch eager "
                    + BenchLine.seconds(r.referenceSeconds()) + " ("
                    + BenchLine.seconds(r.referenceSeconds() / steps) + "/step)");
            out.println(BenchLine.time(name(), config, r.fluxionSeconds(), r.referenceSeconds()));
        }
    }
}
