package org.fluxion.jvmad;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Arrays shaped like an array of rows {@code double[][]}: zeros of the same shape, and the check that
 * a gradient or direction has it. "Shape" includes which rows are shared: where {@code x} holds one
 * row at two positions, so does its gradient (the derivative with respect to that one row).
 */
final class Rows {
    private Rows() {
    }

    /** Zeros shaped like {@code x}: the same row lengths, null where x has null, shared rows shared. */
    static double[][] zerosLike(double[][] x) {
        double[][] z = new double[x.length][];
        Map<double[], double[]> made = new IdentityHashMap<>();
        for (int i = 0; i < x.length; i++) {
            if (x[i] != null) {
                z[i] = made.computeIfAbsent(x[i], r -> new double[r.length]);
            }
        }
        return z;
    }

    /** A copy of {@code v} (rows copied, sharing kept), for a direction that generated code may write. */
    static double[][] copy(double[][] v) {
        double[][] c = new double[v.length][];
        Map<double[], double[]> made = new IdentityHashMap<>();
        for (int i = 0; i < v.length; i++) {
            if (v[i] != null) {
                c[i] = made.computeIfAbsent(v[i], double[]::clone);
            }
        }
        return c;
    }

    /** Sets every number of {@code a} to zero. */
    static void fill(double[][] a, double value) {
        for (double[] row : a) {
            if (row != null) {
                java.util.Arrays.fill(row, value);
            }
        }
    }

    /**
     * Fails unless {@code other} has {@code x}'s shape (row count, row lengths, null rows, shared rows)
     * and shares no row with it.
     */
    static void checkShape(String origin, double[][] x, double[][] other, String name) {
        if (other == x) {
            throw new IllegalArgumentException(origin + ": " + name + " must not be the same array as x");
        }
        if (other.length != x.length) {
            throw new IllegalArgumentException(origin + ": " + name + " has " + other.length + " rows but x has "
                    + x.length);
        }
        Map<double[], double[]> rowOf = new IdentityHashMap<>();
        Map<double[], Boolean> xRows = new IdentityHashMap<>();
        for (double[] r : x) {
            if (r != null) {
                xRows.put(r, true);
            }
        }
        for (int i = 0; i < x.length; i++) {
            if ((x[i] == null) != (other[i] == null)) {
                throw new IllegalArgumentException(origin + ": row " + i + " of " + name + " is "
                        + (other[i] == null ? "null" : "not null") + " but that of x is "
                        + (x[i] == null ? "null" : "not null"));
            }
            if (x[i] == null) {
                continue;
            }
            if (other[i].length != x[i].length) {
                throw new IllegalArgumentException(origin + ": row " + i + " of " + name + " has length "
                        + other[i].length + " but that of x has length " + x[i].length);
            }
            if (xRows.containsKey(other[i])) {
                throw new IllegalArgumentException(origin + ": row " + i + " of " + name + " is a row of x");
            }
            double[] seen = rowOf.putIfAbsent(x[i], other[i]);
            if (seen != null && seen != other[i]) {
                throw new IllegalArgumentException(origin + ": x holds one row at two positions, up to row " + i
                        + ", but " + name + " does not; share " + name + "'s rows as x's are");
            }
        }
        Map<double[], Boolean> otherRows = new IdentityHashMap<>();
        for (double[] r : other) {
            if (r != null) {
                otherRows.put(r, true);
            }
        }
        if (otherRows.size() != rowOf.size()) {
            throw new IllegalArgumentException(origin + ": " + name + " holds one row at two positions where x"
                    + " holds two rows; share " + name + "'s rows as x's are");
        }
    }
}
