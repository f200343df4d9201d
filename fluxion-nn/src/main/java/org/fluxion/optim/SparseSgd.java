package org.fluxion.optim;

import org.fluxion.tensor.Tensor;

/**
 * Plain SGD on the stored rows: {@code p[r] -= lr g[r]}, PyTorch's {@code SGD} on a sparse gradient (no
 * momentum or weight decay, which PyTorch does not apply to sparse gradients either). No state.
 */
public final class SparseSgd extends SparseOptimizer {
    public SparseSgd(double learningRate) {
        super(learningRate);
    }

    @Override
    protected void update(String name, Tensor parameter, long[] rows, Tensor g, int width) {
        Object p = array(parameter);
        Object gr = array(g);
        int po = parameter.offset();
        int go = g.offset();
        double lr = learningRate();
        forRows(rows.length, width, (a, b) -> {
            for (int i = a; i < b; i++) {
                int at = po + (int) rows[i] * width;
                int from = go + i * width;
                if (p instanceof float[] pf) {
                    float[] gf = (float[]) gr;
                    float rate = (float) lr;
                    for (int j = 0; j < width; j++) {
                        pf[at + j] -= rate * gf[from + j];
                    }
                } else {
                    double[] pd = (double[]) p;
                    double[] gd = (double[]) gr;
                    for (int j = 0; j < width; j++) {
                        pd[at + j] -= lr * gd[from + j];
                    }
                }
            }
        });
    }
}
