package org.fluxion.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.SplittableRandom;
import org.fluxion.autodiff.Functional;
import org.fluxion.data.Synthetic;
import org.fluxion.data.TensorDataset;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.kernels.Parallel;
import org.fluxion.nn.Init;
import org.fluxion.nn.Losses;
import org.fluxion.nn.Reduction;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * {@code ./fluxion bench moons}: seed 003's network (2 inputs, tanh hidden layer of 3, softmax output,
 * L2 0.01 on the weights, summed cross-entropy, full-batch gradient descent with lr 0.01) on 200 moons
 * points; 20,000 steps. One step is a pure function {@code params -> new params} compiled by {@code jit}
 * (forward, backward and update in one plan); the reference is the same step in PyTorch eager
 * ({@code python/moons.py}, 1 thread). Also printed: the same Fluxion step run eagerly. Timed: the steady state,
 * {@value #REPEATS} alternating rounds after at least {@value #WARMUP_SECONDS} s of warm-up; the trace, compile and
 * first call are printed beside it.
 */
public final class MoonsBench implements Benchmark {
    static final int POINTS = 200;
    static final int HIDDEN = 3;
    static final int STEPS = 20_000;
    static final double LR = 0.01;
    static final double REG = 0.01;
    /** Timed rounds per side, alternating, after a warm-up of at least {@link #WARMUP_SECONDS}. */
    private static final int REPEATS = 5;
    private static final double WARMUP_SECONDS = 3;

    @Override
    public String name() {
        return "moons";
    }

    @Override
    public String description() {
        return "a 2-3-2 tanh/softmax net on 200 moons points, 20,000 full-batch steps: jit vs PyTorch eager";
    }

    /** W1 [2, h], b1 [h], W2 [h, 2], b2 [2]. */
    static List<Tensor> initialParams() {
        SplittableRandom rng = new SplittableRandom(0);
        return List.of(Init.normal(rng, 1 / Math.sqrt(2), DType.FLOAT32, 2, HIDDEN), Tensor.zeros(HIDDEN),
                Init.normal(rng, 1 / Math.sqrt(HIDDEN), DType.FLOAT32, HIDDEN, 2), Tensor.zeros(2));
    }

    /** The loss: sum of cross-entropies plus reg/2 (|W1|^2 + |W2|^2). */
    static Tensor loss(List<Tensor> p, Tensor x, Tensor y) {
        Tensor hidden = x.matmul(p.get(0)).add(p.get(1)).tanh();
        Tensor logits = hidden.matmul(p.get(2)).add(p.get(3));
        Tensor l2 = p.get(0).square().sum().add(p.get(2).square().sum()).mul(REG / 2);
        return Losses.crossEntropy(logits, y, 0, Reduction.SUM).add(l2);
    }

    /** One gradient-descent step as a pure function of the parameters. */
    static List<Tensor> step(List<Tensor> p, Tensor x, Tensor y) {
        List<Tensor> g = Functional.treeGrad((List<Tensor> q) -> loss(q, x, y)).apply(p);
        return List.of(p.get(0).sub(g.get(0).mul(LR)), p.get(1).sub(g.get(1).mul(LR)),
                p.get(2).sub(g.get(2).mul(LR)), p.get(3).sub(g.get(3).mul(LR)));
    }

    @Override
    public void run(PrintStream out) throws Exception {
        Parallel.setThreads(1); // as the reference: ops on 200 x 3 tensors are too small to split
        try {
            runOneThread(out);
        } finally {
            Parallel.setThreads(Runtime.getRuntime().availableProcessors());
        }
    }

    private void runOneThread(PrintStream out) throws Exception {
        TensorDataset data = Synthetic.moons(POINTS, 0.20, 0);
        Tensor x = data.features();
        Tensor y = data.labels();
        Jitted<List<Tensor>, List<Tensor>> jitted = Jit.jit((List<Tensor> p) -> step(p, x, y));
        List<Tensor>[] state = new List[] {initialParams()};
        long t0 = System.nanoTime();
        state[0] = jitted.apply(state[0]);
        double firstCall = (System.nanoTime() - t0) / 1e9;
        Runnable fluxion = () -> {
            for (int i = 0; i < STEPS; i++) {
                state[0] = jitted.apply(state[0]);
            }
        };
        List<Tensor>[] eagerState = new List[] {initialParams()};
        double eager = Alternating.time(() -> {
            for (int i = 0; i < STEPS / 10; i++) {
                eagerState[0] = step(eagerState[0], x, y);
            }
        }, 3) * 10;
        String config = "h" + HIDDEN + "-n" + POINTS + "-steps" + STEPS + "-t1";
        // The reference starts before the warm-up (starting a process loads classes that invalidate code compiled
        // on the class hierarchy, see EpochBench). The steady state: 20,000 steps are one call, and C2 compiles the
        // plan's kernels and glue over the first few (0.26 s, 0.18 s, 0.15 s, ... then ~0.11 s a call on this
        // machine): a single warm-up call timed the compiler.
        try (PythonReference torch = PythonReference.available()
                ? PythonReference.start("moons", 1, Integer.toString(HIDDEN)) : null) {
            int warmup = Alternating.warmUp(fluxion, 2, WARMUP_SECONDS);
            out.println("Compiled step: " + jitted.graph(state[0]).equations().size() + " steps ("
                    + jitted.graph(state[0]).count("fused") + " fused kernels), traced from "
                    + jitted.tracedGraph(state[0]).equations().size() + " equations; trace "
                    + BenchLine.seconds(jitted.lastTraceNanos() / 1e9) + ", optimize+compile "
                    + BenchLine.seconds(jitted.lastCompileNanos() / 1e9) + ", first call "
                    + BenchLine.seconds(firstCall) + "; then " + warmup + " warm-up calls of " + STEPS + " steps");
            if (torch == null) {
                double t = Alternating.run(fluxion, () -> { }, 0, REPEATS, 1).fluxionSeconds();
                out.println("Fluxion eager: " + BenchLine.seconds(eager) + " for " + STEPS + " steps");
                out.println(BenchLine.unavailable(name(), config, BenchLine.seconds(t), PythonReference.INSTALL_HINT));
                return;
            }
            Alternating.Result r = Alternating.runTimed(fluxion, calls -> torch.run(calls * STEPS), 1, REPEATS, 1);
            out.println(STEPS + " steps: Fluxion jit " + BenchLine.seconds(r.fluxionSeconds()) + " ("
                    + BenchLine.seconds(r.fluxionSeconds() / STEPS) + "/step), Fluxion eager " + BenchLine.seconds(eager)
                    + ", PyTorch eager " + BenchLine.seconds(r.referenceSeconds()) + " ("
                    + BenchLine.seconds(r.referenceSeconds() / STEPS) + "/step)");
            out.println(BenchLine.time(name(), config, r.fluxionSeconds(), r.referenceSeconds()));
        }
    }
}
