package org.fluxion.optim;

import org.fluxion.kernels.Vectorization;
import org.fluxion.tensor.Tensor;

/**
 * Lazy Adam on the stored rows, PyTorch's {@code SparseAdam}: with one step count t per parameter,
 * {@code m[r] += (1 - b1)(g[r] - m[r])}, {@code v[r] += (1 - b2)(g[r]^2 - v[r])},
 * {@code p[r] -= lr sqrt(1 - b2^t) / (1 - b1^t) * m[r] / (sqrt(v[r]) + eps)}; rows absent from a step keep
 * their moments unchanged; a subnormal moment is stored as zero ({@link Subnormals}). State: {@code exp_avg},
 * {@code exp_avg_sq} (dense) and {@code step}.
 */
public final class SparseAdam extends SparseOptimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;

    /** Betas 0.9 and 0.999, eps 1e-8 (PyTorch's defaults). */
    public SparseAdam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-8);
    }

    public SparseAdam(double learningRate, double beta1, double beta2, double eps) {
        super(learningRate);
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("SparseAdam: betas must be in [0, 1), got " + beta1 + " and " + beta2);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    protected void update(String name, Tensor parameter, long[] rows, Tensor g, int width) {
        long t = nextStep(name);
        double stepSize = learningRate() * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        Tensor m = slot(name, "exp_avg", parameter, 0);
        Tensor v = slot(name, "exp_avg_sq", parameter, 0);
        Object p = array(parameter);
        Object gr = array(g);
        Object ma = array(m);
        Object va = array(v);
        int po = parameter.offset();
        int go = g.offset();
        int mo = m.offset();
        int vo = v.offset();
        forRows(rows.length, width, (a, b) -> {
            for (int i = a; i < b; i++) {
                int at = (int) rows[i] * width;
                int from = go + i * width;
                if (p instanceof float[] pf) {
                    float[] gf = (float[]) gr;
                    float[] mf = (float[]) ma;
                    float[] vf = (float[]) va;
                    float c1 = (float) (1 - beta1);
                    float c2 = (float) (1 - beta2);
                    float step = (float) stepSize;
                    float e = (float) eps;
                    int j = 0;
                    if (Vectorization.ENABLED) {
                        j = SparseAdamVectorLoop.row(gf, from, mf, mo + at, vf, vo + at, pf, po + at, width, c1, c2, step, e);
                    }
                    for (; j < width; j++) {
                        float gj = gf[from + j];
                        float mj = mf[mo + at + j];
                        float vj = vf[vo + at + j];
                        mj = Subnormals.flush(mj + (gj - mj) * c1);
                        vj = Subnormals.flush(vj + (gj * gj - vj) * c2);
                        mf[mo + at + j] = mj;
                        vf[vo + at + j] = vj;
                        pf[po + at + j] -= step * (mj / ((float) Math.sqrt(vj) + e));
                    }
                } else {
                    double[] pd = (double[]) p;
                    double[] gd = (double[]) gr;
                    double[] md = (double[]) ma;
                    double[] vd = (double[]) va;
                    for (int j = 0; j < width; j++) {
                        double gj = gd[from + j];
                        double mj = md[mo + at + j];
                        double vj = vd[vo + at + j];
                        mj = Subnormals.flush(mj + (gj - mj) * (1 - beta1));
                        vj = Subnormals.flush(vj + (gj * gj - vj) * (1 - beta2));
                        md[mo + at + j] = mj;
                        vd[vo + at + j] = vj;
                        pd[po + at + j] -= stepSize * (mj / (Math.sqrt(vj) + eps));
                    }
                }
            }
        });
    }
}
