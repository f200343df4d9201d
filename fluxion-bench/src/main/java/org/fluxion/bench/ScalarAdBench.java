package org.fluxion.bench;

import java.io.PrintStream;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * {@code ./fluxion bench scalar-ad}: the gradient of the extended Rosenbrock function
 * {@code f(x) = sum_{i < n/2} 100 (x_{2i+1} - x_{2i}^2)^2 + (1 - x_{2i})^2}, n = 100, written as a Java loop
 * over 1-element float32 tensors that each require grad: about 400 recorded ops and one backward per
 * step. This is the fixed cost of eager reverse mode per op (record, rule, accumulate), where tiny ops
 * make the framework's overhead everything. The reference runs the same loop in PyTorch eager
 * ({@code python/scalar_ad.py}, 1 thread). Steady state after warm-up; time per gradient.
 */
public final class ScalarAdBench implements Benchmark {
    static final int N = 100;
    private static volatile Object sink;

    @Override
    public String name() {
        return "scalar-ad";
    }

    @Override
    public String description() {
        return "gradient of extended Rosenbrock (n=100) as a loop over 1-element tensors vs PyTorch eager";
    }

    /** The leaves x_0 .. x_{n-1}, at the classic start (-1.2, 1, -1.2, 1, ...). */
    static Tensor[] start(int n) {
        Tensor[] xs = new Tensor[n];
        for (int i = 0; i < n; i++) {
            xs[i] = Tensor.full(i % 2 == 0 ? -1.2 : 1.0, DType.FLOAT32, 1).requiresGrad(true);
        }
        return xs;
    }

    /** One step: clears the gradients, evaluates f with ~4n ops and backpropagates. */
    static void gradientStep(Tensor[] xs) {
        for (Tensor x : xs) {
            x.zeroGrad();
        }
        Tensor f = Tensor.zeros(DType.FLOAT32, 1);
        for (int i = 0; i < xs.length / 2; i++) {
            Tensor a = xs[2 * i];
            Tensor b = xs[2 * i + 1];
            Tensor t1 = b.sub(a.mul(a));
            Tensor t2 = a.neg().add(1);
            f = f.add(t1.mul(t1).mul(100)).add(t2.mul(t2));
        }
        f.backward();
        sink = xs[0].grad();
    }

    @Override
    public void run(PrintStream out) throws Exception {
        String config = "n" + N + "-t1";
        Tensor[] xs = start(N);
        Runnable fluxion = () -> gradientStep(xs);
        if (!PythonReference.available()) {
            double t = Alternating.run(fluxion, () -> { }, 2000, 7, 200).fluxionSeconds();
            out.println(BenchLine.unavailable(name(), config, BenchLine.seconds(t), PythonReference.INSTALL_HINT));
            return;
        }
        try (PythonReference torch = PythonReference.start("scalar_ad", 1, Integer.toString(N))) {
            Alternating.Result r = Alternating.runTimed(fluxion, torch::run, 2000, 7, 100);
            out.println("Gradient of Rosenbrock n=" + N + " over 1-element tensors: Fluxion "
                    + BenchLine.seconds(r.fluxionSeconds()) + ", PyTorch eager " + BenchLine.seconds(r.referenceSeconds())
                    + " per gradient");
            out.println(BenchLine.time(name(), config, r.fluxionSeconds(), r.referenceSeconds()));
        }
    }
}
