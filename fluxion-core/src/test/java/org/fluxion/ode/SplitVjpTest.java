package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.fluxion.autodiff.Functional;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link SplitVjp}: its forward gives the field's value and its backward, from the forward's residuals, the VJP
 * of every argument, as {@link Functional#vjp} does; the backward holds none of the forward's products again,
 * and the residuals stay valid when the caller overwrites its input buffers after the forward.
 */
class SplitVjpTest {
    /** An MLP field with a bias, tanh and the time: {@code tanh(u W1^T + b1 + t) W2^T + b2}. */
    private static final TensorField MLP = (u, t, w) -> u.matmul(w[0].transpose(0, 1)).add(w[1]).add(t).tanh()
            .matmul(w[2].transpose(0, 1)).add(w[3]);

    @Test
    void mlpValueAndVjpFromResiduals() {
        Random rng = new Random(3);
        Tensor u = Tensor.randn(rng, DType.FLOAT64, 6, 5);
        Tensor t = Tensor.scalar(0.25, DType.FLOAT64);
        Tensor[] w = {Tensor.randn(rng, DType.FLOAT64, 7, 5), Tensor.randn(rng, DType.FLOAT64, 7),
            Tensor.randn(rng, DType.FLOAT64, 5, 7), Tensor.randn(rng, DType.FLOAT64, 5)};
        Tensor lambda = Tensor.randn(rng, DType.FLOAT64, 6, 5);
        SplitVjp split = new FieldCalls(MLP, w.length, true).split(u, t, w);
        // The backward multiplies only by the cotangent: three products (dh, du, dW1) and dW2, no forward ones.
        assertEquals(4, split.backwardGraph().count("matmul"), split.backwardGraph().toString());
        assertEquals(0, split.backwardGraph().count("tanh"), split.backwardGraph().toString());
        check(MLP, split, u, t, w, lambda);
    }

    /** A field reading slices of its state (Lotka–Volterra): views of the input recomputed by the backward. */
    @Test
    void lotkaVolterraWithSlicedState() {
        Tensor u = Tensor.of(new double[] {1.3, 0.7}, 2);
        Tensor t = Tensor.scalar(0.0, DType.FLOAT64);
        Tensor[] p = {Tensor.of(new double[] {1.5, 1, 3, 1}, 4)};
        Tensor lambda = Tensor.of(new double[] {0.4, -1.1}, 2);
        SplitVjp split = new FieldCalls(TensorOdeTest.LOTKA_VOLTERRA, 1, true).split(u, t, p);
        check(TensorOdeTest.LOTKA_VOLTERRA, split, u, t, p, lambda);
    }

    /**
     * A parameter the field ignores has a zero cotangent, a constant of the backward; the state's cotangent is
     * the cotangent itself scaled, and nothing is kept (the forward has no residual to return).
     */
    @Test
    void unusedParameterAndLinearField() {
        TensorField f = (u, t, w) -> u.mul(w[0]).add(t);
        Tensor u = Tensor.of(new double[] {0.5, -2, 3}, 3);
        Tensor t = Tensor.scalar(1.5, DType.FLOAT64);
        Tensor[] w = {Tensor.of(new double[] {2, 3, -1}, 3), Tensor.of(new double[] {7, 8}, 2)};
        Tensor lambda = Tensor.of(new double[] {1, -1, 0.25}, 3);
        SplitVjp split = new FieldCalls(f, w.length, true).split(u, t, w);
        check(f, split, u, t, w, lambda);
        assertEquals(0, split.forward(arguments(u, t, w)).residuals().size());
    }

    private static void check(TensorField f, SplitVjp split, Tensor u, Tensor t, Tensor[] params, Tensor lambda) {
        Tensor buffer = u.copy();
        List<Tensor> x = arguments(buffer, t, params);
        SplitVjp.Forward fwd = split.forward(x);
        Tensor[] xs = new Tensor[1 + params.length];
        xs[0] = u;
        System.arraycopy(params, 0, xs, 1, params.length);
        var expected = Functional.vjp(ys -> f.apply(ys[0], t, java.util.Arrays.copyOfRange(ys, 1, ys.length)), xs);
        assertArrayEquals(expected.value().toDoubleArray(), fwd.value().toDoubleArray(), 1e-14, "value");
        // The caller reuses its input buffer: the residuals must not see it.
        Tensor garbage = Tensor.full(7.5, DType.FLOAT64, u.dims());
        buffer.copyFrom(garbage);
        // The parameters' cotangents are added to running sums, here starting at 0.25.
        List<Tensor> sums = new ArrayList<>();
        for (Tensor p : params) {
            sums.add(Tensor.full(0.25, p.dtype(), p.dims()));
        }
        List<Tensor> cts = split.backwardAdding(arguments(u, t, params), lambda, fwd.residuals(), sums, null);
        Tensor[] want = expected.pullback().apply(lambda);
        assertArrayEquals(want[0].toDoubleArray(), cts.get(0).toDoubleArray(), 1e-12, "cotangent of u");
        for (int k = 1; k < want.length; k++) {
            assertArrayEquals(want[k].add(0.25).toDoubleArray(), cts.get(k).toDoubleArray(), 1e-12, "sum " + k);
        }
    }

    private static List<Tensor> arguments(Tensor u, Tensor t, Tensor[] params) {
        List<Tensor> x = new ArrayList<>();
        x.add(u);
        x.add(t);
        x.addAll(List.of(params));
        return x;
    }
}
