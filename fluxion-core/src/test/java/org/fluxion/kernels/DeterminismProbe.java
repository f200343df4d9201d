package org.fluxion.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.tensor.Tensor;

/**
 * A fixed set of computations whose result bits must not depend on compilation state nor thread count:
 * eager float32/float64 unary and binary operations, jitted fused chains, a reduction and a backward pass.
 * {@link #main} prints one line per computation ({@code name=hash of the bits}); {@link DeterminismTest} runs
 * it in a child JVM under {@code -Xint} and compares with the same lines computed in its own, warmed-up JVM.
 */
public final class DeterminismProbe {
    private static final Function<Tensor, Tensor> CHAIN = t -> t.mul(t).sin().add(t.exp().mul(0.01)).add(t.tanh()).add(t.sigmoid());
    private final Jitted<Tensor, Tensor> chain = Jit.jit(CHAIN);
    private final Jitted<Tensor, Tensor> chainSum = Jit.jit((Tensor t) -> CHAIN.apply(t).sum());

    private DeterminismProbe() {
    }

    /** The lines for inputs of n elements: Gaussian * 3 (with special values at the front) and a positive copy. */
    List<String> run(int n) {
        float[] f = new float[n];
        Random r = new Random(42);
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian() * 3);
        }
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 1e-40f,
                88.8f, -100f, 2e6f};
        System.arraycopy(special, 0, f, 0, Math.min(n, special.length));
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = f[i] * 1.0000001;
        }
        List<String> out = new ArrayList<>();
        for (Tensor x : new Tensor[] {Tensor.of(f, n), Tensor.of(d, n)}) {
            String t = x.dtype().label();
            Tensor pos = x.abs().add(0.25);
            out.add(t + " exp=" + hash(x.exp()));
            out.add(t + " log=" + hash(pos.log()));
            out.add(t + " log1p=" + hash(pos.log1p()));
            out.add(t + " expm1=" + hash(x.expm1()));
            out.add(t + " tanh=" + hash(x.tanh()));
            out.add(t + " sigmoid=" + hash(x.sigmoid()));
            out.add(t + " sin=" + hash(x.sin()));
            out.add(t + " cos=" + hash(x.cos()));
            out.add(t + " tan=" + hash(x.tan()));
            out.add(t + " rsqrt=" + hash(pos.rsqrt()));
            out.add(t + " pow=" + hash(pos.pow(x.mul(0.1))));
            out.add(t + " jit chain=" + hash(chain.apply(x)));
            out.add(t + " jit chain sum=" + hash(chainSum.apply(x)));
            out.add(t + " sum exp=" + hash(x.mul(0.1).exp().sum()));
            // Small products: a tall narrow layer with a bias, its weight gradient's deep tiny product, and dot
            // products (kernels whose lane sums must not depend on what C2 compiled).
            Tensor a = x.slice(0, 10, 410).reshape(200, 2);
            out.add(t + " matmul tall=" + hash(a.matmul(x.slice(0, 710, 716).reshape(2, 3)).add(x.slice(0, 716, 719))));
            out.add(t + " matmul deep=" + hash(x.slice(0, 10, 210).reshape(100, 2).transpose()
                    .matmul(x.slice(0, 410, 710).reshape(100, 3))));
            out.add(t + " matmul dots=" + hash(x.slice(0, 10, 130).reshape(3, 40)
                    .matmul(x.slice(0, 130, 330).reshape(5, 40).transpose())));
            Tensor w = x.mul(0.1).detach().requiresGrad(true);
            w.mul(w).sin().add(w.exp()).tanh().mul(w.sigmoid()).sum().backward();
            out.add(t + " backward=" + hash(w.grad()));
        }
        return out;
    }

    /** A hash of the bits, NaN canonicalized (payloads are not part of the guarantee). */
    static long hash(Tensor t) {
        long h = 1;
        if (t.dtype() == org.fluxion.tensor.DType.FLOAT32) {
            for (float v : t.toFloatArray()) h = h * 31 + Float.floatToIntBits(v);
        } else {
            for (double v : t.toDoubleArray()) h = h * 31 + Double.doubleToLongBits(v);
        }
        return h;
    }

    static DeterminismProbe create() {
        return new DeterminismProbe();
    }

    /** Prints {@code run(n)} for each argument n, with the thread count of the first argument {@code threads=k}. */
    public static void main(String[] args) {
        DeterminismProbe p = new DeterminismProbe();
        for (String a : args) {
            if (a.startsWith("threads=")) {
                Parallel.setThreads(Integer.parseInt(a.substring(8)));
            } else {
                for (String line : p.run(Integer.parseInt(a))) {
                    System.out.println(a + " " + line);
                }
            }
        }
    }
}
