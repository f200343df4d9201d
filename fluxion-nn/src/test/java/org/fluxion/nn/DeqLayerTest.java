package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The deep equilibrium layer: its output is a fixed point, its gradients (by the implicit function theorem,
 * the adjoint solved by GMRES) match finite differences and the gradients of the unrolled iteration.
 */
class DeqLayerTest {
    @Test
    void outputIsAFixedPointAndGradientsMatchFiniteDifferences() {
        DeqLayer layer = new DeqLayer(3, 4, DType.FLOAT64, 1e-12, new SplittableRandom(1));
        Tensor x = Tensor.randn(new SplittableRandom(2), DType.FLOAT64, 5, 3);
        Tensor z = layer.apply(x);
        assertArrayEquals(new int[] {5, 4}, z.dims());
        var p = layer.parameters();
        Tensor f = z.matmul(effective(p.get("weight")).transpose()).add(x.matmul(p.get("inputWeight").transpose()))
                .add(p.get("bias")).tanh();
        double[] a = f.toDoubleArray();
        double[] b = z.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-11, "z = f(z) at element " + i);
        }
        LayerGradCheck.check(layer, x, 1e-6);
    }

    @Test
    void gradientsEqualThoseOfTheUnrolledIteration() {
        DeqLayer layer = new DeqLayer(2, 3, DType.FLOAT64, 1e-13, new SplittableRandom(3));
        Tensor x = Tensor.randn(new SplittableRandom(4), DType.FLOAT64, 4, 2);
        var p = layer.parameters();
        layer.apply(x).square().sum().backward();
        Tensor implicitW = p.get("weight").grad().copy();
        layer.zeroGrad();
        Tensor z = Tensor.zeros(DType.FLOAT64, 4, 3);
        for (int k = 0; k < 200; k++) {
            z = z.matmul(effective(p.get("weight")).transpose()).add(x.matmul(p.get("inputWeight").transpose())).add(p.get("bias")).tanh();
        }
        z.square().sum().backward();
        double[] e = p.get("weight").grad().toDoubleArray();
        double[] g = implicitW.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], g[i], 1e-9 * (1 + Math.abs(e[i])), "dL/dW element " + i);
        }
    }

    /** W scaled to a Frobenius norm of at most 0.9, as the layer uses it. */
    private static Tensor effective(Tensor w) {
        double norm = Math.sqrt(w.square().sum().item());
        return norm > DeqLayer.CONTRACTION ? w.mul(Tensor.scalar(DeqLayer.CONTRACTION, DType.FLOAT64).div(w.square().sum().sqrt()))
                : w;
    }

    @Test
    void aLargeWeightIsScaledIntoAContraction() {
        Tensor w = Tensor.eye(3, 3, DType.FLOAT64).mul(5);
        DeqLayer layer = new DeqLayer(w, Tensor.ones(DType.FLOAT64, 3, 2), Tensor.zeros(DType.FLOAT64, 3),
                new org.fluxion.transforms.Implicit.RootOptions(
                        org.fluxion.transforms.Implicit.RootMethod.FIXED_POINT_ITERATION, 1e-12, 500));
        Tensor x = Tensor.randn(new SplittableRandom(6), DType.FLOAT64, 2, 2);
        LayerGradCheck.check(layer, x, 1e-6);
    }

    @Test
    void badInputsAreNamed() {
        DeqLayer layer = new DeqLayer(3, 4, DType.FLOAT64, 1e-10, new SplittableRandom(5));
        String message = assertThrows(LayerInputException.class, () -> layer.apply(Tensor.zeros(DType.FLOAT64, 2, 5)))
                .getMessage();
        assertTrue(message.contains("DeqLayer 3->4") && message.contains("[batch, 3]"), message);
    }
}
