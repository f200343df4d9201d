package org.fluxion.nn.normalization;

import java.util.Arrays;
import org.fluxion.kernels.Parallel;

/**
 * Layer normalization of the rows of a row-major {@code [rows, n]} matrix, forward and backward, one pass
 * per row over data in L1 instead of one pass per elementwise operation over the whole tensor:
 * <pre>
 *   mean = sum x / n,   rstd = 1 / sqrt(sum (x - mean)^2 / n + eps),   xhat = (x - mean) rstd
 *   y    = xhat w + b
 *   dx   = rstd (g w - mean(g w) - xhat mean(g w xhat))
 *   dw   = sum over rows of g xhat,   db = sum over rows of g
 * </pre>
 * The backward recomputes {@code mean} and {@code rstd} from x (cheaper than keeping them: a row is in cache
 * anyway). Rows are independent and split over threads; the weight and bias cotangents are summed per block
 * of {@link #BLOCK} rows, then over the blocks in order, so the result has the same bits for any thread count.
 * {@code w} and {@code b} are arrays of {@code n} (ones and zeros when the layer has none).
 */
final class LayerNormKernels {
    /** Rows per partial sum of the weight and bias cotangents; fixed, so the summation order is too. */
    static final int BLOCK = 64;
    /** Rows per parallel chunk at least: a row of a few hundred elements is well under a microsecond. */
    private static final int GRAIN = 16;

    private LayerNormKernels() {
    }

    static void forward(float[] x, int xo, float[] w, int wo, float[] b, int bo, float[] y, int rows, int n,
                        double eps) {
        Parallel.forRange(rows, GRAIN, (start, end) -> {
            for (int r = start; r < end; r++) {
                int at = xo + r * n;
                float mean = LayerNormRowsF32.mean(x, at, n);
                float rstd = LayerNormRowsF32.rstd(x, at, n, mean, eps);
                LayerNormRowsF32.normalize(x, at, w, wo, b, bo, y, r * n, n, mean, rstd);
            }
        });
    }

    /** {@code dx [rows, n]}, {@code dw [n]}, {@code db [n]} (overwritten) from {@code g [rows, n]}. */
    static void backward(float[] x, int xo, float[] w, int wo, float[] g, int go, float[] dx, float[] dw, float[] db,
                         int rows, int n, double eps) {
        int blocks = (rows + BLOCK - 1) / BLOCK;
        float[] pw = new float[blocks * n];
        float[] pb = new float[blocks * n];
        Parallel.forRange(blocks, 1, (start, end) -> {
            double[] sums = new double[2];
            float[] bw = new float[n];
            float[] bb = new float[n];
            for (int k = start; k < end; k++) {
                Arrays.fill(bw, 0f);
                Arrays.fill(bb, 0f);
                for (int r = k * BLOCK; r < Math.min(rows, (k + 1) * BLOCK); r++) {
                    int xr = xo + r * n;
                    int gr = go + r * n;
                    float mean = LayerNormRowsF32.mean(x, xr, n);
                    float rstd = LayerNormRowsF32.rstd(x, xr, n, mean, eps);
                    LayerNormRowsF32.projections(x, xr, g, gr, w, wo, n, mean, rstd, sums);
                    LayerNormRowsF32.gradients(x, xr, g, gr, w, wo, dx, r * n, bw, bb, n, mean, rstd,
                            (float) (sums[0] / n), (float) (sums[1] / n));
                }
                System.arraycopy(bw, 0, pw, k * n, n);
                System.arraycopy(bb, 0, pb, k * n, n);
            }
        });
        for (int j = 0; j < n; j++) {
            double sw = 0;
            double sb = 0;
            for (int k = 0; k < blocks; k++) {
                sw += pw[k * n + j];
                sb += pb[k * n + j];
            }
            dw[j] = (float) sw;
            db[j] = (float) sb;
        }
    }

    static void forward(double[] x, int xo, double[] w, int wo, double[] b, int bo, double[] y, int rows, int n,
                        double eps) {
        Parallel.forRange(rows, GRAIN, (start, end) -> {
            for (int r = start; r < end; r++) {
                int at = xo + r * n;
                double mean = mean(x, at, n);
                double rstd = rstd(x, at, n, mean, eps);
                for (int i = 0; i < n; i++) {
                    y[r * n + i] = (x[at + i] - mean) * rstd * w[wo + i] + b[bo + i];
                }
            }
        });
    }

    static void backward(double[] x, int xo, double[] w, int wo, double[] g, int go, double[] dx, double[] dw,
                         double[] db, int rows, int n, double eps) {
        int blocks = (rows + BLOCK - 1) / BLOCK;
        double[] pw = new double[blocks * n];
        double[] pb = new double[blocks * n];
        Parallel.forRange(blocks, 1, (start, end) -> {
            for (int k = start; k < end; k++) {
                for (int r = k * BLOCK; r < Math.min(rows, (k + 1) * BLOCK); r++) {
                    int xr = xo + r * n;
                    int gr = go + r * n;
                    double mean = mean(x, xr, n);
                    double rstd = rstd(x, xr, n, mean, eps);
                    double a = 0;
                    double c = 0;
                    for (int i = 0; i < n; i++) {
                        double gw = g[gr + i] * w[wo + i];
                        a += gw;
                        c += gw * ((x[xr + i] - mean) * rstd);
                    }
                    a /= n;
                    c /= n;
                    for (int i = 0; i < n; i++) {
                        double xhat = (x[xr + i] - mean) * rstd;
                        dx[r * n + i] = (g[gr + i] * w[wo + i] - a - xhat * c) * rstd;
                        pw[k * n + i] += g[gr + i] * xhat;
                        pb[k * n + i] += g[gr + i];
                    }
                }
            }
        });
        Arrays.fill(dw, 0);
        Arrays.fill(db, 0);
        for (int k = 0; k < blocks; k++) {
            for (int j = 0; j < n; j++) {
                dw[j] += pw[k * n + j];
                db[j] += pb[k * n + j];
            }
        }
    }

    private static double mean(double[] x, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x[off + i];
        }
        return s / n;
    }

    private static double rstd(double[] x, int off, int n, double mean, double eps) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double c = x[off + i] - mean;
            s += c * c;
        }
        return 1 / Math.sqrt(s / n + eps);
    }
}
