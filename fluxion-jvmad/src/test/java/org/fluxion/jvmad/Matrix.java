package org.fluxion.jvmad;

import java.util.Random;

/** Test helpers over arrays of rows: copies, moves along a direction, dot products. */
final class Matrix {
    private Matrix() {
    }

    /** A copy with every row copied (rows that x shares become separate rows). */
    static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            c[i] = x[i].clone();
        }
        return c;
    }

    /** {@code x + t v}, a new array. */
    static double[][] moved(double[][] x, double[][] v, double t) {
        double[][] c = copy(x);
        for (int i = 0; i < c.length; i++) {
            for (int j = 0; j < c[i].length; j++) {
                c[i][j] += t * v[i][j];
            }
        }
        return c;
    }

    /** Uniform numbers in [-1, 1) of x's shape. */
    static double[][] random(double[][] x, Random rng) {
        double[][] v = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            v[i] = rng.doubles(x[i].length).map(u -> 2 * u - 1).toArray();
        }
        return v;
    }

    /** Sum of the products of corresponding numbers. */
    static double dot(double[][] a, double[][] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                s += a[i][j] * b[i][j];
            }
        }
        return s;
    }
}
