package org.fluxion.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The optimizers store a moment that decays below the smallest normal number as zero ({@link Subnormals}): odd
 * elements have a zero gradient and moments just above {@code MIN_NORMAL}, so {@code b m} and {@code b v} are
 * subnormal; even elements are ordinary. Run in both surefire executions, so the vector and the scalar loops.
 */
class SubnormalsTest {
    private static final int N = 16 * 8 + 5; // whole vectors of any species, and a tail

    /** g, m, v and t; odd elements decay into the subnormal range. */
    private static Tensor[] inputs(DType d) {
        double tiny = d == DType.FLOAT64 ? 1.0005 * Double.MIN_NORMAL : 1.0005f * Float.MIN_NORMAL;
        double[] g = new double[N];
        double[] m = new double[N];
        double[] v = new double[N];
        for (int i = 0; i < N; i++) {
            boolean decays = i % 2 == 1;
            g[i] = decays ? 0 : 0.5 + 0.01 * i;
            m[i] = decays ? tiny : 0.1 - 0.001 * i;
            v[i] = decays ? tiny : 0.02 + 0.001 * i;
        }
        return new Tensor[] {Tensor.of(g, N).to(d), Tensor.of(m, N).to(d), Tensor.of(v, N).to(d),
                Tensor.scalar(4, DType.FLOAT64)};
    }

    @Test
    void adamUpdateFlushesDecayedMomentsInKernelAndComposite() {
        AdamUpdate adam = new AdamUpdate(0.9, 0.999, 1e-8);
        for (DType d : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Tensor[] in = inputs(d);
            Tensor[] kernel = Ops.bindAll(adam, in);
            Tensor[] composite = adam.composite(in[0], in[1], in[2], in[3]);
            for (int k = 0; k < 3; k++) {
                double[] kv = kernel[k].toDoubleArray();
                double[] cv = composite[k].toDoubleArray();
                for (int i = 0; i < N; i++) {
                    if (i % 2 == 1) {
                        assertEquals(0, kv[i], 0, d + " kernel output " + k + " element " + i);
                        assertEquals(0, cv[i], 0, d + " composite output " + k + " element " + i);
                    } else {
                        assertTrue(kv[i] != 0, d + " output " + k + " element " + i + " is not decayed");
                        assertEquals(cv[i], kv[i], Math.abs(cv[i]) * 1e-6, d + " output " + k + " element " + i);
                    }
                }
            }
        }
    }

    @Test
    void fusedAdamStepFlushesDecayedMoments() {
        Tensor[] in = inputs(DType.FLOAT32);
        float[] g = in[0].toFloatArray();
        float[] m = in[1].toFloatArray();
        float[] v = in[2].toFloatArray();
        float[] p = new float[N];
        java.util.Arrays.fill(p, 1f);
        AdamKernel.step(p, 0, g, 0, m, 0, v, 0, N, 0.9, 0.999, 1e-8f, 1e-3f, 1f);
        for (int i = 1; i < N; i += 2) {
            assertEquals(0f, m[i], 0f, "first moment " + i);
            assertEquals(0f, v[i], 0f, "second moment " + i);
            assertEquals(1f, p[i], 0f, "parameter " + i);
        }
        assertTrue(m[0] > 0 && v[0] > 0 && p[0] < 1, "an ordinary element is updated");
    }

    @Test
    void sparseAdamFlushesDecayedMoments() {
        for (DType d : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Tensor[] in = inputs(d);
            SparseAdam adam = new SparseAdam(1e-3);
            Tensor p = Tensor.ones(d, 1, N);
            // seed the moments of the one row with the decaying values, then one step with its gradient
            adam.slot("w", "exp_avg", p, 0).copyFrom(in[1].reshape(1, N));
            adam.slot("w", "exp_avg_sq", p, 0).copyFrom(in[2].reshape(1, N));
            adam.update("w", p, new long[] {0}, in[0].reshape(1, N), N);
            double[] m = adam.slot("w", "exp_avg", p, 0).toDoubleArray();
            double[] v = adam.slot("w", "exp_avg_sq", p, 0).toDoubleArray();
            for (int i = 1; i < N; i += 2) {
                assertEquals(0, m[i], 0, d + " first moment " + i);
                assertEquals(0, v[i], 0, d + " second moment " + i);
            }
            assertTrue(m[0] > 0 && v[0] > 0, d + ": an ordinary element is updated");
        }
    }

    /** SGD's momentum buffer and RMSProp's mean square, tensor forms (eager here; compiled they fuse). */
    @Test
    void momentumAndMeanSquareFlushDecayedValues() {
        float tiny = 1.0005f * Float.MIN_NORMAL;
        Tensor g = Tensor.of(new float[] {0, 0, 1}, 3);
        Tensor stored = Tensor.of(new float[] {tiny, 1, 0}, 3);
        var trace = Transformations.trace(0.9, false).update(g, new Transformations.TraceState(null, stored), g);
        float[] b = ((Tensor) ((Transformations.TraceState) trace.state()).trace()).toFloatArray();
        assertEquals(0f, b[0], 0f, "momentum decayed below the smallest normal");
        assertEquals(0.9f, b[1], 0f);
        assertEquals(1f, b[2], 0f);
        var rms = Transformations.scaleByRms(0.99, 1e-8).update(g, new Transformations.RmsState(stored), g);
        float[] v = ((Tensor) ((Transformations.RmsState) rms.state()).nu()).toFloatArray();
        assertEquals(0f, v[0], 0f, "mean square decayed below the smallest normal");
        assertEquals(0.99f, v[1], 0f);
        assertEquals(0.01f, v[2], 1e-9f);
    }

    @Test
    void flushKeepsNormalNumbersAndZeroesSubnormalOnes() {
        assertEquals(Float.MIN_NORMAL, Subnormals.flush(Float.MIN_NORMAL), 0f);
        assertEquals(-Float.MIN_NORMAL, Subnormals.flush(-Float.MIN_NORMAL), 0f);
        assertEquals(0f, Subnormals.flush(Float.MIN_NORMAL * 0.99f), 0f);
        assertEquals(0f, Subnormals.flush(-Float.MIN_VALUE), 0f);
        assertEquals(0d, Subnormals.flush(Double.MIN_NORMAL / 2), 0d);
        assertEquals(Double.MIN_NORMAL, Subnormals.flush(Double.MIN_NORMAL), 0d);
        Tensor t = Tensor.of(new float[] {Float.MIN_NORMAL / 2, 1f, -Float.MIN_NORMAL, Float.NaN}, 4);
        float[] f = Subnormals.flush(t).toFloatArray();
        assertEquals(0f, f[0], 0f);
        assertEquals(1f, f[1], 0f);
        assertEquals(-Float.MIN_NORMAL, f[2], 0f);
        assertTrue(Float.isNaN(f[3]), "NaN stays NaN");
    }
}
