package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The graph keeps only the tensors the rules read, and backward releases them once used. Checked by
 * reachability (a weak reference to an intermediate is cleared by the garbage collector), not by timing
 * or heap numbers: each test first shows the tensor is still reachable where it must be.
 */
class SavedTensorsTest {
    private static boolean collected(WeakReference<?> ref) {
        return GcProbe.collected(ref);
    }

    private static Tensor leaf() {
        return Tensor.rand(new java.util.Random(1), DType.FLOAT64, 1000).requiresGrad(true);
    }

    @Test
    void savedTensorsAreReleasedByBackward() {
        Tensor x = leaf();
        Tensor h = x.exp(); // saved by exp (its output) and by sin (its input)
        Tensor y = h.sin().sum();
        WeakReference<Tensor> ref = new WeakReference<>(h);
        double[] expected = x.exp().cos().mul(x.exp()).toDoubleArray();
        h = null;
        assertFalse(collected(ref), "before backward the graph must keep exp(x): the rules of exp and sin read it");
        y.backward();
        assertTrue(collected(ref), "backward must release the saved tensors once used");
        assertArrayEquals(expected, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void retainGraphKeepsThemForASecondBackward() {
        Tensor x = leaf();
        Tensor h = x.exp();
        Tensor y = h.sin().sum();
        WeakReference<Tensor> ref = new WeakReference<>(h);
        h = null;
        y.backward(null, true, false);
        assertFalse(collected(ref), "retainGraph keeps the saved tensors");
        y.backward();
        assertTrue(collected(ref));
    }

    @Test
    void tensorsNoRuleReadsAreNotKept() {
        // h = 2 x: mul's rule for x reads only the 2; add and sum read no values. So nothing keeps h,
        // even while the graph is alive, and the gradient is still right.
        Tensor x = leaf();
        Tensor h = x.mul(2);
        Tensor y = h.add(1).sum();
        WeakReference<Tensor> ref = new WeakReference<>(h);
        h = null;
        assertTrue(collected(ref), "no rule reads 2x, so the graph must not keep it");
        y.backward();
        double[] twos = new double[1000];
        java.util.Arrays.fill(twos, 2);
        assertArrayEquals(twos, x.grad().toDoubleArray(), 0);
        // The same h read by a rule (tanh reads its output, mul by h reads h) is kept.
        Tensor x2 = leaf();
        Tensor h2 = x2.mul(2);
        Tensor y2 = h2.mul(h2).sum();
        WeakReference<Tensor> ref2 = new WeakReference<>(h2);
        h2 = null;
        assertFalse(collected(ref2), "mul(h, h) reads h for the cotangents");
        y2.backward();
        assertTrue(collected(ref2));
    }
}
