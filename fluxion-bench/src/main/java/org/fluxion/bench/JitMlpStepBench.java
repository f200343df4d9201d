package org.fluxion.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.nn.Init;
import org.fluxion.nn.Losses;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * {@code ./fluxion bench jit-mlp-step}: one training step of the Fashion-MNIST MLP (784-128-10, ReLU,
 * batch 64, mean cross-entropy, Adam lr 1e-3 written with tensor operations) as a pure function
 * {@code (params, m, v, x, y) -> (params, m, v)}, compiled by {@code jit} against the same function run
 * eagerly. Random data of the real shapes (the data does not change the work). Steady state.
 */
public final class JitMlpStepBench implements Benchmark {
    private static final int BATCH = 64;
    private static final double LR = 1e-3;
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;

    @Override
    public String name() {
        return "jit-mlp-step";
    }

    @Override
    public String description() {
        return "MLP 784-128-10 training step (Adam, batch 64): jit vs eager";
    }

    /** The training state: parameters and Adam's two moments, with the batch. */
    record State(List<Tensor> params, List<Tensor> m, List<Tensor> v, Tensor x, Tensor y) {
    }

    static Tensor loss(List<Tensor> p, Tensor x, Tensor y) {
        Tensor h = x.matmul(p.get(0)).add(p.get(1)).relu();
        return Losses.crossEntropy(h.matmul(p.get(2)).add(p.get(3)), y);
    }

    /** Adam at a fixed step count (bias corrections folded into constants): the same arithmetic eager and jitted. */
    static State step(State s) {
        List<Tensor> g = Functional.treeGrad((List<Tensor> q) -> loss(q, s.x(), s.y())).apply(s.params());
        double c1 = 1 - Math.pow(B1, 10);
        double c2 = 1 - Math.pow(B2, 10);
        List<Tensor> p = new ArrayList<>();
        List<Tensor> m = new ArrayList<>();
        List<Tensor> v = new ArrayList<>();
        for (int i = 0; i < g.size(); i++) {
            Tensor mi = s.m().get(i).mul(B1).add(g.get(i).mul(1 - B1));
            Tensor vi = s.v().get(i).mul(B2).add(g.get(i).square().mul(1 - B2));
            Tensor update = mi.div(c1).div(vi.div(c2).sqrt().add(EPS)).mul(LR);
            p.add(s.params().get(i).sub(update));
            m.add(mi);
            v.add(vi);
        }
        return new State(p, m, v, s.x(), s.y());
    }

    static State initial() {
        SplittableRandom rng = new SplittableRandom(0);
        List<Tensor> p = List.of(Init.normal(rng, Math.sqrt(2.0 / 784), DType.FLOAT32, 784, 128), Tensor.zeros(128),
                Init.normal(rng, Math.sqrt(2.0 / 128), DType.FLOAT32, 128, 10), Tensor.zeros(10));
        List<Tensor> zeros = p.stream().map(t -> Tensor.zeros(t.dims())).toList();
        return new State(p, zeros, zeros, Tensor.rand(1, BATCH, 784), Tensor.randint(2, 0, 10, BATCH));
    }

    @Override
    public void run(PrintStream out) {
        Jitted<State, State> jitted = Jit.jit(JitMlpStepBench::step);
        State[] a = {initial()};
        State[] b = {initial()};
        long t0 = System.nanoTime();
        a[0] = jitted.apply(a[0]);
        double firstCall = (System.nanoTime() - t0) / 1e9;
        b[0] = step(b[0]);
        if (!a[0].params().get(0).allClose(b[0].params().get(0), 1e-4, 1e-6)) {
            throw new IllegalStateException("jit-mlp-step: the compiled step differs from eager");
        }
        out.println("Compiled step: " + jitted.graph(a[0]).equations().size() + " steps ("
                + jitted.graph(a[0]).count("fused") + " fused kernels), traced from "
                + jitted.tracedGraph(a[0]).equations().size() + " equations; trace "
                + BenchLine.seconds(jitted.lastTraceNanos() / 1e9) + ", optimize+compile "
                + BenchLine.seconds(jitted.lastCompileNanos() / 1e9) + ", first call " + BenchLine.seconds(firstCall));
        Alternating.Result r = Alternating.run(() -> a[0] = jitted.apply(a[0]), () -> b[0] = step(b[0]), 200, 9, 100);
        out.println(BenchLine.time(name(), "b" + BATCH + "-adam", r.fluxionSeconds(), r.referenceSeconds()));
    }
}
