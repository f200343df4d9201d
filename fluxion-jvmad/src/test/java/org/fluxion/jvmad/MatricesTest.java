package org.fluxion.jvmad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.fluxion.jvmad.corpus.Matrices;
import org.junit.jupiter.api.Test;

/**
 * Arrays of rows ({@code double[][]}): {@link JvmAd#gradMatrix} and {@link JvmAd#method} on plain Java
 * matrix code, forward and reverse mode against Richardson-extrapolated finite differences
 * (relative 1e-8), and Hessian-vector products (forward over reverse) against finite differences of
 * the gradient. Inputs are copied before every call: some of the methods write into them.
 */
class MatricesTest {
    private static double[][] point(int rows, int cols, long seed) {
        Random rng = new Random(seed);
        double[][] x = new double[rows][];
        for (int i = 0; i < rows; i++) {
            x[i] = rng.doubles(cols).map(u -> 1.6 * u - 0.8).toArray();
        }
        return x;
    }

    /** f(x) of the method itself, on a copy. */
    private static double value(String name, double[][] x) {
        return Checks.value(Checks.method(Matrices.class, name), new Object[] {Matrix.copy(x)});
    }

    /** Forward, reverse and second order of {@code double f(double[][])} at x, along random directions. */
    private static void check(String name, double[][] x, double tolerance) {
        MatrixGradient g = JvmAd.gradMatrix(Matrices.class, name);
        Random rng = new Random(name.hashCode());
        for (int trial = 0; trial < 2; trial++) {
            double[][] v = Matrix.random(x, rng);
            double[][] w = Matrix.random(x, rng);
            FiniteDifferences.Estimate fd = FiniteDifferences.derivative(t -> value(name, Matrix.moved(x, v, t)), 1e-2);
            double[][] grad = Matrix.copy(x);
            double y = g.valueAndGrad(Matrix.copy(x), grad);
            assertEquals(value(name, x), y, 0.0, name + ": value");
            Checks.close(fd.value(), Matrix.dot(grad, v), tolerance, name + ": gradient . v");
            Checks.close(fd.value(), g.directional(Matrix.copy(x), v), tolerance, name + ": directional derivative");

            double[][] hv = g.hvp(Matrix.copy(x), v);
            FiniteDifferences.Estimate fd2 = FiniteDifferences.derivative(
                    t -> Matrix.dot(w, g.apply(Matrix.moved(x, v, t))), 1e-2);
            Checks.close(fd2.value(), Matrix.dot(w, hv), tolerance, name + ": w . H v");
            double[][] gradFromHvp = Matrix.copy(x);
            double[][] hv2 = Matrix.copy(x);
            assertEquals(y, g.hvp(Matrix.copy(x), v, gradFromHvp, hv2), 0.0, name + ": value from hvp");
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < x[i].length; j++) {
                    assertEquals(grad[i][j], gradFromHvp[i][j], 1e-12 * Math.max(1, Math.abs(grad[i][j])),
                            name + ": gradient from hvp at " + i + "," + j);
                }
            }
        }
    }

    @Test
    void matrixVectorProduct() {
        check("matVec", point(5, 4, 1), 1e-8);
        // A matrix, a vector and an output vector as three parameters (the general entry point).
        Checks.forwardAndReverse(Matrices.class, "matVecInto", point(4, 3, 2), new double[] {0.3, -0.6, 0.9},
                new double[4]);
    }

    @Test
    void denseNetworkWithMatrixWeights() {
        check("denseNetwork", point(4, 4, 3), 1e-8);
    }

    @Test
    void heatEquationSteppedInPlace() {
        check("heat", point(6, 7, 4), 1e-8);
    }

    @Test
    void heatEquationWritesItsInputAsTheMethodDoes() {
        double[][] x = point(6, 7, 4);
        double[][] byMethod = Matrix.copy(x);
        Matrices.heat(byMethod);
        double[][] byGradient = Matrix.copy(x);
        JvmAd.gradMatrix(Matrices::heat).apply(byGradient);
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(byMethod[i], byGradient[i], 0.0, "row " + i);
        }
    }

    @Test
    void checkpointedLoopWritingRows() {
        // The time loop of the heat stencil writes the rows of u in place: under a budget its
        // snapshots copy the rows, and the gradient is the recorded one, bit for bit.
        double[][] x = point(6, 7, 4);
        double[][] xp = Matrix.copy(x);
        double[][] expected = Rows.zerosLike(x);
        double value = JvmAd.gradMatrix(Matrices::heat).valueAndGrad(xp, expected);
        for (int snapshots : new int[] {1, 2, 3, 20}) {
            MatrixGradient g = JvmAd.gradMatrix(Matrices::heat, Checkpointing.snapshots(snapshots));
            double[][] xb = Matrix.copy(x);
            double[][] got = Rows.zerosLike(x);
            assertEquals(value, g.valueAndGrad(xb, got), 0.0, "value, snapshots=" + snapshots);
            for (int i = 0; i < x.length; i++) {
                assertArrayEquals(expected[i], got[i], 0.0, "gradient row " + i + ", snapshots=" + snapshots);
                assertArrayEquals(xp[i], xb[i], 0.0, "u written in place, row " + i + ", snapshots=" + snapshots);
            }
            assertTrue(g.lastCheckpointStats().iterationsRun() >= 12, "the time loop was checkpointed");
        }
    }

    @Test
    void gaussianEliminationOnACopy() {
        double[][] ab = point(5, 6, 5);
        for (int i = 0; i < 5; i++) {
            ab[i][(i + 2) % 5] += 2.5;
        }
        check("gaussianElimination", ab, 1e-8);
    }

    @Test
    void twoDimensionalLocals() {
        check("gram", point(4, 3, 6), 1e-8);
        check("indexedProducts", point(3, 5, 13), 1e-8);
        double[][] lower = new double[4][];
        Random rng = new Random(7);
        for (int i = 0; i < 4; i++) {
            lower[i] = rng.doubles(i + 1).map(u -> u - 0.5).toArray();
        }
        check("raggedAndCube", lower, 1e-8);
    }

    @Test
    void rowsSharedAndReplacedInsideTheMethod() {
        // y aliases rows of x, writes go through y, then x[0] is replaced: the gradient is still with
        // respect to the rows x came in with.
        check("sharedRows", point(2, 3, 9), 1e-8);
    }

    @Test
    void shallowCopiesOfRows() {
        check("shallowCopies", point(3, 4, 11), 1e-8);
    }

    @Test
    void inputWithOneRowAtTwoPositions() {
        double[] r = {0.4, -0.3, 0.9};
        double[] q = {0.2, 0.7, -0.5};
        double[][] x = {r, r, q};
        MatrixGradient g = JvmAd.gradMatrix(Matrices::matVec);
        double[][] grad = g.apply(x);
        assertSame(grad[0], grad[1], "the gradient shares its rows as x does");
        double[] vr = {0.3, 0.1, -0.8};
        double[] vq = {-0.6, 0.4, 0.2};
        FiniteDifferences.Estimate fd = FiniteDifferences.derivative(t -> {
            double[] rt = r.clone();
            double[] qt = q.clone();
            for (int j = 0; j < 3; j++) {
                rt[j] += t * vr[j];
                qt[j] += t * vq[j];
            }
            return Matrices.matVec(new double[][] {rt, rt, qt});
        }, 1e-2);
        double dot = 0;
        for (int j = 0; j < 3; j++) {
            dot += grad[0][j] * vr[j] + grad[2][j] * vq[j];
        }
        Checks.close(fd.value(), dot, 1e-8, "derivative with respect to the shared row");
        Checks.close(fd.value(), g.directional(x, new double[][] {vr, vr, vq}), 1e-8, "directional, shared row");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.valueAndGrad(x, new double[][] {new double[3], new double[3], new double[3]}));
        assertTrue(e.getMessage().contains("share grad's rows as x's are"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> g.valueAndGrad(x, new double[][] {q, q, r}));
        assertTrue(e.getMessage().contains("is a row of x"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> g.valueAndGrad(x, new double[][] {new double[2], new double[2], new double[3]}));
        assertTrue(e.getMessage().contains("row 0 of grad has length 2 but that of x has length 3"), e.getMessage());
    }

    @Test
    void rowsPassedToCalls() {
        check("rowsThroughCalls", point(4, 5, 8), 1e-8);
        check("rowWrittenAfterCall", point(2, 4, 10), 1e-8);
        check("returnedByCallees", point(3, 3, 12), 1e-8);
        check("rowVariablesAcrossIterations", point(4, 3, 14), 1e-8);
    }

    @Test
    void floatRows() {
        float[][] a = {{0.5f, -0.25f}, {1.0f, 0.75f, -0.5f}};
        // Finite differences of a function computed in float carry its rounding (about 6e-8 / h): 1e-4.
        Checks.forwardAndReverseWithin(1e-4, Matrices.class, "floats", (Object) a);
    }
}
