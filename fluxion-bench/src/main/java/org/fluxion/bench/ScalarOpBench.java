package org.fluxion.bench;

import java.io.PrintStream;
import org.fluxion.tensor.Tensor;

/**
 * {@code ./fluxion bench scalar-op}: the fixed cost of one eager op on 1-element tensors (no autograd):
 * validation, dispatch, allocation and the kernel. The reference is the same arithmetic on a Java
 * {@code double}, which shows the floor; PyTorch eager takes several microseconds per op.
 */
public final class ScalarOpBench implements Benchmark {
    private static volatile Object sink;

    @Override
    public String name() {
        return "scalar-op";
    }

    @Override
    public String description() {
        return "time of one op on 1-element float32 tensors (add, mul, exp) vs plain Java doubles";
    }

    @Override
    public void run(PrintStream out) {
        Tensor a = Tensor.vector(1.25f);
        Tensor b = Tensor.vector(0.5f);
        int ops = 1000; // per call: 1000 ops, a third each of add, mul and exp
        Runnable fluxion = () -> {
            Tensor t = a;
            for (int i = 0; i < ops / 3; i++) {
                t = t.add(b).mul(b).exp();
            }
            sink = t;
        };
        double[] box = {1.25};
        Runnable plain = () -> {
            double t = box[0];
            for (int i = 0; i < ops / 3; i++) {
                t = Math.exp((t + 0.5) * 0.5);
            }
            sink = t;
        };
        Alternating.Result r = Alternating.run(fluxion, plain, 2000, 9, 200);
        double perOp = r.fluxionSeconds() / (ops / 3 * 3);
        double perPlain = r.referenceSeconds() / (ops / 3 * 3);
        out.println("One eager op on a 1-element tensor: " + BenchLine.seconds(perOp)
                + " (plain Java double arithmetic: " + BenchLine.seconds(perPlain) + " per op)");
        out.println(BenchLine.time(name(), "1elem-t1", perOp, perPlain));
    }
}
