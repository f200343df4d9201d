package org.fluxion.jvmad.corpus;

/**
 * Plain Java over arrays of rows ({@code double[][]}): parameters, rows read through aliases and
 * written in place, rows allocated and swapped, two-dimensional locals ({@code new double[n][m]}).
 */
public final class Matrices {
    private Matrices() {
    }

    /** Inputs of the dense network: four samples of three features, and their targets. */
    private static final double[] SAMPLES = {0.5, -1.0, 0.25, 1.5, 0.2, -0.7, -0.3, 0.8, 1.1, 0.9, -0.4, 0.6};
    private static final double[] TARGETS = {0.3, -0.2, 0.7, 0.1};

    /** {@code sum_i sin(y_i) + y_i^2 / 2} for {@code y = A x}; A is every row but the last, x the last row. */
    public static double matVec(double[][] ax) {
        int m = ax.length - 1;
        double[] x = ax[m];
        double s = 0;
        for (int i = 0; i < m; i++) {
            double[] row = ax[i];
            double y = 0;
            for (int j = 0; j < x.length; j++) {
                y += row[j] * x[j];
            }
            s += Math.sin(y) + 0.5 * y * y;
        }
        return s;
    }

    /** {@code y = A x} into {@code y}, then {@code sum_i y_i exp(-y_i^2)}: matrix, vector and output apart. */
    public static double matVecInto(double[][] a, double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            y[i] = 0;
            for (int j = 0; j < x.length; j++) {
                y[i] += a[i][j] * x[j];
            }
            s += y[i] * Math.exp(-y[i] * y[i]);
        }
        return s;
    }

    /**
     * Mean squared error of a dense network with one tanh hidden layer on four fixed samples. Rows
     * {@code 0..h-1} of {@code w} are the hidden units' weights (three features, then the bias), row
     * {@code h} the output's (h weights, then the bias).
     */
    public static double denseNetwork(double[][] w) {
        int h = w.length - 1;
        double[] out = w[h];
        double[] hidden = new double[h];
        double loss = 0;
        for (int s = 0; s < TARGETS.length; s++) {
            for (int k = 0; k < h; k++) {
                double[] unit = w[k];
                double z = unit[3];
                for (int f = 0; f < 3; f++) {
                    z += unit[f] * SAMPLES[3 * s + f];
                }
                hidden[k] = Math.tanh(z);
            }
            double y = out[h];
            for (int k = 0; k < h; k++) {
                y += out[k] * hidden[k];
            }
            double e = y - TARGETS[s];
            loss += e * e;
        }
        return loss / TARGETS.length;
    }

    /**
     * A nonlinear 2-D heat equation {@code u_t = r lap(u) - 0.1 sin(u)}, explicit steps in place on
     * the interior of {@code u} (boundary rows and columns fixed): each row is written as it is
     * swept, the old values of the row above kept in a row buffer. Returns a weighted sum of squares.
     */
    public static double heat(double[][] u) {
        int n = u.length;
        int m = u[0].length;
        double r = 0.2;
        for (int step = 0; step < 12; step++) {
            double[] above = new double[m];
            double[] old = new double[m];
            for (int j = 0; j < m; j++) {
                above[j] = u[0][j];
            }
            for (int i = 1; i < n - 1; i++) {
                double[] row = u[i];
                double[] below = u[i + 1];
                for (int j = 0; j < m; j++) {
                    old[j] = row[j];
                }
                for (int j = 1; j < m - 1; j++) {
                    double c = old[j];
                    double lap = above[j] + below[j] + old[j - 1] + old[j + 1] - 4 * c;
                    row[j] = c + r * lap - 0.1 * Math.sin(c);
                }
                double[] t = above;
                above = old;
                old = t;
            }
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                s += (1 + 0.1 * i + 0.01 * j) * u[i][j] * u[i][j];
            }
        }
        return s;
    }

    /**
     * Solves {@code A z = b} for the augmented matrix {@code [A | b]} ({@code n x (n + 1)}) by Gaussian
     * elimination with partial pivoting on a copy (rows allocated one by one, swapped by reference),
     * then returns {@code sum_i (i + 1) z_i + z_i^2}.
     */
    public static double gaussianElimination(double[][] ab) {
        int n = ab.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = new double[n + 1];
            for (int j = 0; j <= n; j++) {
                m[i][j] = ab[i][j];
            }
        }
        for (int k = 0; k < n; k++) {
            int p = k;
            for (int i = k + 1; i < n; i++) {
                if (Math.abs(m[i][k]) > Math.abs(m[p][k])) {
                    p = i;
                }
            }
            double[] t = m[k];
            m[k] = m[p];
            m[p] = t;
            double[] pivot = m[k];
            for (int i = k + 1; i < n; i++) {
                double[] row = m[i];
                double f = row[k] / pivot[k];
                for (int j = k; j <= n; j++) {
                    row[j] -= f * pivot[j];
                }
            }
        }
        double[] z = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = m[i][n];
            for (int j = i + 1; j < n; j++) {
                s -= m[i][j] * z[j];
            }
            z[i] = s / m[i][i];
        }
        double out = 0;
        for (int i = 0; i < n; i++) {
            out += (i + 1) * z[i] + z[i] * z[i];
        }
        return out;
    }

    /** The Gram matrix {@code G = X X^T} in a 2-D local ({@code new double[k][k]}), then {@code sum log(1 + G_ij^2)}. */
    public static double gram(double[][] x) {
        int k = x.length;
        double[][] g = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int l = 0; l < x[i].length; l++) {
                    s += x[i][l] * x[j][l];
                }
                g[i][j] = s;
            }
        }
        double out = 0;
        for (double[] row : g) {
            for (double v : row) {
                out += Math.log1p(v * v);
            }
        }
        return out;
    }

    /**
     * Rows shared between two arrays: {@code y} holds row 1 of {@code x} twice and row 0 once; writes
     * through {@code y} are seen through {@code x}. Then a row of {@code x} is replaced by a new one.
     */
    public static double sharedRows(double[][] x) {
        double[][] y = new double[3][];
        y[0] = x[1];
        y[1] = x[1];
        y[2] = x[0];
        for (int j = 0; j < y[0].length; j++) {
            y[0][j] = y[0][j] * y[2][j];
            y[1][j] = Math.exp(0.5 * y[1][j]);
        }
        double s = 0;
        for (int j = 0; j < x[1].length; j++) {
            s += x[1][j] * (1 + j);
        }
        double[] fresh = new double[x[0].length];
        for (int j = 0; j < fresh.length; j++) {
            fresh[j] = x[0][j] * x[0][j];
        }
        x[0] = fresh;
        for (int j = 0; j < x[0].length; j++) {
            s += Math.sin(x[0][j]) * y[2][j];
        }
        return s;
    }

    /** Rows of different lengths (a lower triangle) and a three-dimensional local. */
    public static double raggedAndCube(double[][] lower) {
        int n = lower.length;
        double[][][] cube = new double[2][n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                cube[0][i][j] = lower[i][j];
                cube[1][j][i] = lower[i][j] * lower[i][j];
            }
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s += cube[0][i][j] * cube[1][i][j] + Math.cos(cube[0][i][j] + cube[1][i][j]);
            }
        }
        return s;
    }

    /**
     * {@code clone()} and {@code System.arraycopy} of an array of rows copy references: writes through
     * the copy are seen through the original.
     */
    public static double shallowCopies(double[][] x) {
        double[][] c = x.clone();
        double[][] d = new double[x.length + 1][];
        System.arraycopy(x, 0, d, 1, x.length);
        System.arraycopy(d, 1, d, 0, x.length);
        for (int j = 0; j < c[0].length; j++) {
            c[0][j] = Math.sinh(c[0][j]) * d[1][j];
        }
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                s += x[i][j] * d[i][j] * (i + 2);
            }
        }
        return s;
    }

    /** Row variables reassigned every iteration, read in inner loops, passed to a call, moved to another variable. */
    public static double rowVariablesAcrossIterations(double[][] a) {
        double[] prev = a[0];
        double s = 0;
        for (int i = 1; i < a.length; i++) {
            double[] cur = a[i];
            for (int j = 0; j < cur.length; j++) {
                s += Math.sin(prev[j]) * cur[j] * cur[j];
            }
            if (s > 0) {
                s = s * 0.5 + dotRows(prev, cur);
            }
            for (int j = cur.length - 1; j >= 0; j--) {
                s += cur[j] * prev[(j + 1) % prev.length];
            }
            prev = cur;
        }
        return s + prev[0] * prev[prev.length - 1];
    }

    /** Elements read as {@code a[i][j]} from an input that nothing writes. */
    public static double indexedProducts(double[][] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                s += a[i][j] * a[i][j] * a[(i + 1) % a.length][j];
            }
        }
        return s;
    }

    /** A {@code float[][]} computed in float, returned as double. */
    public static double floats(float[][] a) {
        float s = 0;
        for (float[] row : a) {
            for (float v : row) {
                s += v * v * 0.5f + (float) Math.sin(v);
            }
        }
        return s;
    }

    /** The same as {@link #matVec}, reached through a call that takes a row. */
    public static double rowsThroughCalls(double[][] a) {
        double s = 0;
        for (int i = 0; i + 1 < a.length; i++) {
            s += dotRows(a[i], a[i + 1]);
        }
        return s * s;
    }

    /**
     * A callee reads row 1; afterwards the row is written through another variable: the callee's
     * adjoint must not read the row again (it changed), so its values are recorded.
     */
    public static double rowWrittenAfterCall(double[][] x) {
        double s = sumOfCubes(x[1]);
        double[] alias = x[1];
        for (int j = 0; j < alias.length; j++) {
            alias[j] = Math.exp(alias[j]) * x[0][j];
        }
        return s + sumOfCubes(x[1]);
    }

    /** Arrays of rows made and returned by callees; a row returned by a callee and written through. */
    public static double returnedByCallees(double[][] x) {
        double[][] p = product(x, x);
        double[] last = rowOf(p, p.length - 1);
        for (int j = 0; j < last.length; j++) {
            last[j] = Math.tanh(last[j]);
        }
        rowOf(x, 0)[0] = 0.5 * p[0][0];
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < p[i].length; j++) {
                s += p[i][j] * x[i % x.length][j % x[0].length];
            }
        }
        return s;
    }

    /** {@code a b^T}, a new array. */
    private static double[][] product(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                for (int k = 0; k < a[i].length; k++) {
                    c[i][j] += a[i][k] * b[j][k];
                }
            }
        }
        return c;
    }

    private static double[] rowOf(double[][] a, int i) {
        return a[i];
    }

    private static double sumOfCubes(double[] p) {
        double s = 0;
        for (double v : p) {
            s += v * v * v;
        }
        return s;
    }

    private static double dotRows(double[] p, double[] q) {
        double s = 0;
        for (int j = 0; j < p.length; j++) {
            s += p[j] * Math.cos(q[j]);
        }
        return s;
    }
}
