package org.fluxion.jvmad.corpus;

import java.util.List;

/** Methods that cannot be differentiated, one reason each, for the tests of the error messages. */
@SuppressWarnings("unused")
public final class Unsupported {
    private Unsupported() {
    }

    private static int counter;
    private static double mutable = 2;
    private static final Object LOCK = new Object();
    private double field = 1;

    public static double virtualCall(double[] x) {
        List<Double> list = List.of(x[0]);
        return list.size() * x[0];
    }

    public static double allocatesObject(double[] x) {
        StringBuilder sb = new StringBuilder();
        return x[0];
    }

    public static double writesStaticField(double[] x) {
        counter = x.length;
        return x[0];
    }

    public static double readsMutableStatic(double[] x) {
        return mutable * x[0];
    }

    public static double synchronizes(double[] x) {
        synchronized (LOCK) {
            return x[0] * 2;
        }
    }

    public static synchronized double synchronizedMethod(double[] x) {
        return x[0];
    }

    public static double throwsChecked(double[] x) throws java.io.IOException {
        if (x.length == 0) {
            throw new java.io.IOException("empty");
        }
        return x[0];
    }

    public static double throwsAStoredException(double[] x) {
        RuntimeException e = x.length == 0 ? null : new IllegalStateException();
        throw e;
    }

    public static double catches(double[] x) {
        try {
            return x[0] / x[1];
        } catch (ArithmeticException e) {
            return 0;
        }
    }

    public static double callsNative(double[] x) {
        return Double.longBitsToDouble(Double.doubleToRawLongBits(x[0]) + 1) + StrictMath.IEEEremainder(x[0], 2.0);
    }

    public static double reflection(double[] x) throws Exception {
        return (double) Unsupported.class.getMethod("virtualCall", double[].class).invoke(null, (Object) x);
    }

    public static double callsLibrary(double[] x) {
        return java.util.Arrays.stream(x).sum();
    }

    public static double arrayOfObjects(double[] x) {
        Object[] o = new Object[1];
        return x[0];
    }

    /** A static final double[][] is not a constant: its rows could be written. */
    public static double readsConstantMatrix(double[] x) {
        return Constants.MATRIX[0][0] * x[0];
    }

    /** A constant row stored into an array of arrays could then be written through it. */
    public static double storesConstantRow(double[][] x) {
        x[0] = Constants.TABLE;
        return x[0][0];
    }

    public static double copiesMatrixWithArraysCopyOf(double[][] x) {
        double[][] c = java.util.Arrays.copyOf(x, x.length);
        return c[0][0];
    }

    public static double clonesIntMatrix(double[][] x, int[][] k) {
        int[][] c = k.clone();
        return x[0][c[0][0]];
    }

    public static double stringConcatenation(double[] x) {
        String s = "x=" + x[0];
        return s.length();
    }

    public static int integerResult(double[] x) {
        return (int) x[0];
    }

    /** Never called: only read, to be refused. */
    public static native double nativeMethod(double[] x);

    public static int roundDown(double x) {
        return (int) Math.floor(x);
    }

    public static double objectParameter(double[] x, Object o) {
        return x[0];
    }

    public static double callsBadCallee(double[] x) {
        return x[0] + writesStaticField(x);
    }

    public double instanceMethod(double[] x) {
        return field * x[0];
    }

    public static double writesConstantArray(double[] x) {
        Constants.TABLE[0] = x[0];
        return x[0];
    }

    /** A class whose static final array is a constant of the derivative. */
    public static final class Constants {
        public static final double[] TABLE = {1, 2, 3};
        public static final double[][] MATRIX = {{1, 2}, {3, 4}};
    }
}
