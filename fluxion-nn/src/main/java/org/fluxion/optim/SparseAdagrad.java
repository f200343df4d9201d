package org.fluxion.optim;

import org.fluxion.tensor.Tensor;

/**
 * Adagrad on the stored rows, PyTorch's sparse formulas: with step count t,
 * {@code clr = lr / (1 + (t - 1) lrDecay)}, {@code s[r] += g[r]^2}, {@code p[r] -= clr g[r] / (sqrt(s[r]) + eps)}.
 * State: {@code sum} (dense, starting at {@code initialAccumulator}) and {@code step}.
 */
public final class SparseAdagrad extends SparseOptimizer {
    private final double lrDecay;
    private final double initialAccumulator;
    private final double eps;

    /** No decay, accumulator starting at 0, eps 1e-10 (PyTorch's defaults). */
    public SparseAdagrad(double learningRate) {
        this(learningRate, 0, 0, 1e-10);
    }

    public SparseAdagrad(double learningRate, double lrDecay, double initialAccumulator, double eps) {
        super(learningRate);
        this.lrDecay = lrDecay;
        this.initialAccumulator = initialAccumulator;
        this.eps = eps;
    }

    @Override
    protected void update(String name, Tensor parameter, long[] rows, Tensor g, int width) {
        long t = nextStep(name);
        double clr = learningRate() / (1 + (t - 1) * lrDecay);
        Tensor sum = slot(name, "sum", parameter, initialAccumulator);
        Object p = array(parameter);
        Object gr = array(g);
        Object s = array(sum);
        int po = parameter.offset();
        int go = g.offset();
        int so = sum.offset();
        forRows(rows.length, width, (a, b) -> {
            for (int i = a; i < b; i++) {
                int at = (int) rows[i] * width;
                int from = go + i * width;
                if (p instanceof float[] pf) {
                    float[] gf = (float[]) gr;
                    float[] sf = (float[]) s;
                    for (int j = 0; j < width; j++) {
                        float gj = gf[from + j];
                        float acc = sf[so + at + j] + gj * gj;
                        sf[so + at + j] = acc;
                        pf[po + at + j] -= (float) clr * (gj / ((float) Math.sqrt(acc) + (float) eps));
                    }
                } else {
                    double[] pd = (double[]) p;
                    double[] gd = (double[]) gr;
                    double[] sd = (double[]) s;
                    for (int j = 0; j < width; j++) {
                        double gj = gd[from + j];
                        double acc = sd[so + at + j] + gj * gj;
                        sd[so + at + j] = acc;
                        pd[po + at + j] -= clr * (gj / (Math.sqrt(acc) + eps));
                    }
                }
            }
        });
    }
}
