package org.fluxion.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.kernels.Parallel;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Convolutions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Compiled plans apply a convolution's bias, shortcut and ReLU as it writes its output ({@code conv2d_bias_add_relu}
 * and its sub-chains): the results equal the eager operations one by one exactly, and chains whose intermediate
 * values are read elsewhere stay as they are.
 */
class ConvEpilogueTest {
    private static final Conv2dOptions PADDED = Conv2dOptions.of(1, 1, 1, 1);

    /** ResNet's basic block: relu(conv(relu(conv(x) + b1)) + b2 + x), and a strided shortcut branch. */
    private static List<Tensor> block(List<Tensor> in) {
        Tensor x = in.get(0), w1 = in.get(1), b1 = in.get(2), w2 = in.get(3), b2 = in.get(4), ws = in.get(5);
        Tensor h = Convolutions.conv2d(x, w1, b1, PADDED).relu();
        Tensor y = Convolutions.conv2d(h, w2, b2, PADDED).add(x).relu();
        Tensor down = Convolutions.conv2d(x, ws, b2, Conv2dOptions.of(2, 0, 1, 1)); // a lone conv + bias
        return List.of(y, down);
    }

    private static List<Tensor> arguments(DType dtype, int batch, int channels, int size) {
        return List.of(Tensor.randn(1, batch, channels, size, size).to(dtype),
                Tensor.randn(2, channels, channels, 3, 3).mul(0.2).to(dtype), Tensor.randn(3, channels).to(dtype),
                Tensor.randn(4, channels, channels, 3, 3).mul(0.2).to(dtype), Tensor.randn(5, channels).to(dtype),
                Tensor.randn(6, channels, channels, 1, 1).to(dtype));
    }

    @Test
    void basicBlockEqualsEagerExactly() {
        int saved = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                    // batch 1 (direct output), 6 (sub-batches), and a 2x2 plane with many channels (weight-bound)
                    for (int[] s : new int[][] {{1, 8, 9}, {6, 8, 7}, {5, 40, 2}}) {
                        List<Tensor> args = arguments(dtype, s[0], s[1], s[2]);
                        var f = Jit.jit(ConvEpilogueTest::block);
                        List<Tensor> got = f.apply(args), want = block(args);
                        String graph = f.graph(args).toString();
                        assertEquals(want.get(0), got.get(0), graph);
                        assertEquals(want.get(1), got.get(1), graph);
                        assertEquals(1, f.graph(args).count("conv2d_bias_relu"), graph);
                        assertEquals(1, f.graph(args).count("conv2d_bias_add_relu"), graph);
                        assertEquals(1, f.graph(args).count("conv2d_bias"), graph);
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void valuesReadElsewhereStayUnfused() {
        // the pre-activation is a result too: only the bias joins the conv, the ReLU stays its own step
        Function<List<Tensor>, List<Tensor>> f = in -> {
            Tensor pre = Convolutions.conv2d(in.get(0), in.get(1), in.get(2), PADDED);
            return List.of(pre, pre.relu());
        };
        List<Tensor> args = arguments(DType.FLOAT32, 3, 4, 6).subList(0, 3);
        var jf = Jit.jit(f);
        String graph = jf.graph(args).toString();
        assertEquals(0, jf.graph(args).count("conv2d_bias_relu"), graph);
        List<Tensor> got = jf.apply(args), want = f.apply(args);
        assertEquals(want.get(0), got.get(0));
        assertEquals(want.get(1), got.get(1));
    }

    @Test
    void shortcutThatIsNotTheOutputShapeIsNotAbsorbed() {
        // + a row [W] broadcasts along the width: not a per-channel bias, so the conv runs alone
        Tensor x = Tensor.randn(7, 2, 3, 6, 6), w = Tensor.randn(8, 5, 3, 3, 3), row = Tensor.randn(9, 6);
        var f = Jit.jit((Tensor in) -> Convolutions.conv2d(in, w, null, PADDED).add(row).relu());
        assertEquals(0, f.graph(x).count("conv2d_bias"), f.graph(x).toString());
        assertEquals(Convolutions.conv2d(x, w, null, PADDED).add(row).relu(), f.apply(x));
    }

    @Test
    void compiledGradientThroughTheBlockMatchesEager() {
        // the rewrite runs after differentiation: the forward of a training step takes the fused step, the backward
        // reads what it needs from the unfused values it keeps
        List<Tensor> args = arguments(DType.FLOAT64, 3, 6, 5);
        Function<Tensor, Tensor> loss = x -> {
            List<Tensor> in = new java.util.ArrayList<>(args);
            in.set(0, x);
            List<Tensor> out = block(in);
            return out.get(0).mul(out.get(0)).sum().add(out.get(1).sum());
        };
        var g = Jit.jit(Functional.grad(loss));
        Tensor x = args.get(0);
        assertTrue(g.apply(x).allClose(Functional.grad(loss).apply(x), 1e-12, 1e-12));
    }
}
