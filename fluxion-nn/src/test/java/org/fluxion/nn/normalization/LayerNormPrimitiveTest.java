package org.fluxion.nn.normalization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.kernels.Parallel;
import org.fluxion.nn.FunctionGradCheckAccess;
import org.fluxion.nn.Functions;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Vmap;
import org.junit.jupiter.api.Test;

/**
 * The fused layer normalization against its formula ({@link LayerNormReference}): values and cotangents in
 * float64 and float32 over shapes with partial vectors and partial row blocks, with and without the affine
 * map, over one and two axes; derivatives of every order against finite differences, eagerly, under jit and
 * under vmap; the same bits for any thread count; errors that name the shapes.
 */
class LayerNormPrimitiveTest {
    private static final DType F64 = DType.FLOAT64;

    private static Tensor randn(long seed, DType dtype, int... dims) {
        return Tensor.randn(new SplittableRandom(seed), dtype, dims);
    }

    private static double maxDiff(Tensor a, Tensor b) {
        return a.to(F64).sub(b.to(F64)).abs().max().item();
    }

    /** {@code [x dims..., axes]}: x's shape, then how many trailing axes are normalized. */
    private static final int[][] CASES = {{3, 7, 13, 1}, {130, 256, 1}, {2, 5, 3, 4, 2}, {65, 17, 1}, {1, 1, 1}};

    @Test
    void valuesAndCotangentsEqualTheFormula() {
        for (int[] c : CASES) {
            int axes = c[c.length - 1];
            int[] dims = java.util.Arrays.copyOf(c, c.length - 1);
            int[] s = java.util.Arrays.copyOfRange(dims, dims.length - axes, dims.length);
            for (DType dtype : new DType[] {F64, DType.FLOAT32}) {
                for (boolean affine : new boolean[] {true, false}) {
                    Tensor x = randn(1, F64, dims).mul(3).add(0.5).to(dtype);
                    Tensor w = affine ? randn(2, F64, s).to(dtype) : null;
                    Tensor b = affine ? randn(3, F64, s).to(dtype) : null;
                    Tensor g = randn(4, F64, dims).to(dtype);
                    String what = java.util.Arrays.toString(c) + " " + dtype + " affine=" + affine;
                    double tol = dtype == F64 ? 1e-12 : 1e-5;
                    Tensor y = affine ? Ops.bind(new LayerNormPrimitive(axes, 1e-5, true), x, w, b)
                            : Ops.bind(new LayerNormPrimitive(axes, 1e-5, false), x);
                    Tensor ref = LayerNormReference.forward(x.to(F64), affine ? w.to(F64) : null,
                            affine ? b.to(F64) : null, axes, 1e-5);
                    assertTrue(maxDiff(y, ref) < tol, what + ": y differs by " + maxDiff(y, ref));
                    Tensor[] fused = Ops.bindAll(new LayerNormBackward(axes, 1e-5, affine),
                            affine ? new Tensor[] {x, w, g} : new Tensor[] {x, g});
                    Tensor[] refGrads = LayerNormReference.backward(x.to(F64), affine ? w.to(F64) : null, g.to(F64),
                            axes, 1e-5);
                    for (int i = 0; i < refGrads.length; i++) {
                        // dw and db sum over up to 130 rows
                        double e = maxDiff(fused[i], refGrads[i]) / Math.max(1, refGrads[i].abs().max().item());
                        assertTrue(e < 4 * tol, what + ": cotangent " + i + " differs by " + e);
                    }
                }
            }
        }
    }

    @Test
    void theReferenceBackwardIsTheFormulasGradient() {
        Tensor x = randn(5, F64, 4, 6);
        Tensor w = randn(6, F64, 6);
        Tensor b = randn(7, F64, 6);
        Tensor g = randn(8, F64, 4, 6);
        Tensor[] byTape = Functional.vjp(v -> LayerNormReference.forward(v[0], v[1], v[2], 1, 1e-5),
                new Tensor[] {x, w, b}).pullback().apply(g);
        Tensor[] byFormula = LayerNormReference.backward(x, w, g, 1, 1e-5);
        for (int i = 0; i < 3; i++) {
            assertTrue(byTape[i].allClose(byFormula[i], 1e-12, 1e-12), "cotangent " + i);
        }
    }

    @Test
    void derivativesOfEveryOrderEagerJitAndVmap() {
        Function<Tensor[], Tensor> affine = x -> Functions.layerNorm(x[0], new int[] {5}, x[1], x[2], 1e-5);
        Function<Tensor[], Tensor> plain = x -> Functions.layerNorm(x[0], new int[] {2, 3}, null, null, 1e-3);
        Tensor[] xs = {randn(10, F64, 3, 5), randn(11, F64, 5), randn(12, F64, 5)};
        Tensor[] ps = {randn(13, F64, 2, 2, 3)};
        FunctionGradCheckAccess.check("layerNorm", affine, xs, 1e-6, 2);
        FunctionGradCheckAccess.check("layerNorm without affine", plain, ps, 1e-6, 2);
        var jitted = Jit.jit(affine);
        FunctionGradCheckAccess.check("jit(layerNorm)", jitted::apply, xs, 1e-6, 2);
        FunctionGradCheckAccess.check("jit(layerNorm without affine)", Jit.jit(plain)::apply, ps, 1e-6, 2);
        // vmap over x alone (one primitive call) and over x and the weight (by loop)
        Function<Tensor, Tensor> one = v -> Functions.layerNorm(v, new int[] {5}, xs[1], xs[2], 1e-5);
        var mapped = Vmap.vmap(one);
        Tensor batch = randn(14, F64, 4, 3, 5);
        FunctionGradCheckAccess.check("vmap(layerNorm)", v -> mapped.apply(v[0]), new Tensor[] {batch}, 1e-6, 2);
        Tensor looped = Tensor.stack(0, List.of(one.apply(batch.select(0, 0)), one.apply(batch.select(0, 1)),
                one.apply(batch.select(0, 2)), one.apply(batch.select(0, 3))));
        assertTrue(mapped.apply(batch).allClose(looped, 1e-12, 1e-12), "vmap equals a loop");
        Function<Tensor[], Tensor> perWeight = v -> Vmap.vmapN((Tensor[] a) -> new Tensor[] {Functions.layerNorm(a[0],
                new int[] {5}, a[1], a[2], 1e-5)}, 0, 0, 0).apply(v)[0];
        Tensor[] perExample = {randn(15, F64, 2, 3, 5), randn(16, F64, 2, 5), randn(17, F64, 2, 5)};
        FunctionGradCheckAccess.check("vmap(layerNorm) with a weight per example", perWeight, perExample, 1e-6, 2);
    }

    @Test
    void perExampleGradientsUnderVmapKeepTheWeightGradientsApart() {
        Tensor w = randn(20, F64, 4);
        Tensor b = randn(21, F64, 4);
        Tensor xs = randn(22, F64, 3, 2, 4);
        Function<Tensor[], Tensor> loss = v -> Functions.layerNorm(v[0], new int[] {4}, v[1], v[2], 1e-5).square()
                .sum();
        var perExample = Vmap.vmap((Tensor x) -> Functional.valueAndGrad(loss, 1).apply(new Tensor[] {x, w, b})
                .grads()[0]);
        Tensor got = perExample.apply(xs);
        for (int i = 0; i < 3; i++) {
            Function<Tensor[], Tensor> byFormula = v -> LayerNormReference.forward(v[0], v[1], v[2], 1, 1e-5).square()
                    .sum();
            Tensor want = Functional.valueAndGrad(byFormula, 1).apply(new Tensor[] {xs.select(0, i), w, b}).grads()[0];
            assertTrue(got.select(0, i).allClose(want, 1e-10, 1e-10), "example " + i);
        }
    }

    @Test
    void compiledGradientUsesTheFusedPrimitivesAndTheirOwnGradient() {
        Tensor[] xs = {randn(30, F64, 4, 6), randn(31, F64, 6), randn(32, F64, 6)};
        Tensor r = randn(33, F64, 4, 6);
        Function<Tensor[], Tensor> loss = x -> Functions.layerNorm(x[0], new int[] {6}, x[1], x[2], 1e-5).mul(r).sum();
        var gradX = Jit.jit((Tensor[] x) -> Functional.valueAndGrad(loss, 0).apply(x).grads()[0]);
        String graph = gradX.graph(xs).toString();
        assertTrue(graph.contains("layer_norm") && graph.contains("layer_norm_backward"), graph);
        Tensor u = randn(34, F64, 4, 6);
        FunctionGradCheckAccess.check("grad(jit(grad(layerNorm)))", x -> gradX.apply(x).mul(u).sum().reshape(1), xs,
                1e-6, 1);
    }

    @Test
    void sameBitsForAnyThreadCount() {
        Tensor x = randn(40, DType.FLOAT32, 300, 256);
        Tensor w = randn(41, DType.FLOAT32, 256);
        Tensor b = randn(42, DType.FLOAT32, 256);
        Tensor g = randn(43, DType.FLOAT32, 300, 256);
        int before = Parallel.threads();
        float[][] first = null;
        try {
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                Tensor y = Ops.bind(new LayerNormPrimitive(1, 1e-5, true), x, w, b);
                Tensor[] grads = Ops.bindAll(new LayerNormBackward(1, 1e-5, true), x, w, g);
                float[][] now = {y.toFloatArray(), grads[0].toFloatArray(), grads[1].toFloatArray(),
                    grads[2].toFloatArray()};
                if (first == null) {
                    first = now;
                }
                for (int i = 0; i < now.length; i++) {
                    assertArrayEquals(first[i], now[i], "output " + i + " with " + threads + " threads");
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void errorsNameTheShapes() {
        Tensor x = randn(50, F64, 2, 3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Ops.bind(new LayerNormPrimitive(1, 1e-5, true), x, randn(51, F64, 4), randn(52, F64, 3)));
        assertTrue(e.getMessage().contains("layer_norm") && e.getMessage().contains("[3]")
                && e.getMessage().contains("[4]"), e.getMessage());
        var d = assertThrows(IllegalArgumentException.class,
                () -> Ops.bind(new LayerNormPrimitive(3, 1e-5, false), x));
        assertTrue(d.getMessage().contains("at least 3 axes"), d.getMessage());
        var t = assertThrows(IllegalArgumentException.class,
                () -> Ops.bind(new LayerNormPrimitive(1, 1e-5, true), x, randn(53, DType.FLOAT32, 3),
                        randn(54, F64, 3)));
        assertTrue(t.getMessage().contains("float64"), t.getMessage());
    }

    @Test
    void mixedDtypesTakeTheFormula() {
        Tensor x = randn(60, DType.FLOAT32, 2, 3);
        Tensor w = randn(61, F64, 3);
        Tensor b = randn(62, F64, 3);
        Tensor y = Functions.layerNorm(x, new int[] {3}, w, b, 1e-5);
        assertTrue(y.allClose(LayerNormReference.forward(x, w, b, 1, 1e-5), 0, 0), "the formula's promotion");
    }
}
