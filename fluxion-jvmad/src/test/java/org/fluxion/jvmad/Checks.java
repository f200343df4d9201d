package org.fluxion.jvmad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Random;

/**
 * Checks a method's generated derivatives against finite differences of the method itself: the
 * tangent along a random direction (forward mode), the gradient's dot product with that direction
 * (reverse mode), each at the same point. Arrays are copied before every call, since the methods
 * may write into them.
 */
final class Checks {
    private Checks() {
    }

    /** Relative tolerance, against the larger of the magnitude of the expected value and 1. */
    static final double TOLERANCE = 1e-8;

    static Method method(Class<?> owner, String name) {
        return Arrays.stream(owner.getDeclaredMethods()).filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no method " + name));
    }

    /** The method's value at {@code args}, on copies of the arrays. */
    static double value(Method m, Object[] args) {
        try {
            Object[] c = copy(args);
            Class<?>[] types = m.getParameterTypes();
            for (int i = 0; i < c.length; i++) {
                if (types[i] == boolean.class && c[i] instanceof Integer n) {
                    c[i] = n != 0;
                }
            }
            Object v = m.invoke(null, c);
            return ((Number) v).doubleValue();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    static Object[] copy(Object[] args) {
        Object[] c = args.clone();
        for (int i = 0; i < c.length; i++) {
            if (c[i] instanceof double[] d) {
                c[i] = d.clone();
            } else if (c[i] instanceof float[] f) {
                c[i] = f.clone();
            } else if (c[i] instanceof int[] n) {
                c[i] = n.clone();
            } else if (c[i] instanceof double[][] d) {
                c[i] = Matrix.copy(d);
            } else if (c[i] instanceof float[][] f) {
                float[][] r = new float[f.length][];
                for (int k = 0; k < f.length; k++) {
                    r[k] = f[k].clone();
                }
                c[i] = r;
            }
        }
        return c;
    }

    /** {@code args + t * direction} (real and real-array arguments move; others stay). */
    static Object[] moved(Object[] args, Object[] direction, double t) {
        Object[] c = copy(args);
        for (int i = 0; i < c.length; i++) {
            switch (c[i]) {
                case Double d -> c[i] = d + t * ((Number) direction[i]).doubleValue();
                case Float f -> c[i] = (float) (f + t * ((Number) direction[i]).doubleValue());
                case double[] a -> {
                    double[] v = (double[]) direction[i];
                    for (int k = 0; k < a.length; k++) {
                        a[k] += t * v[k];
                    }
                }
                case double[][] a -> c[i] = Matrix.moved(a, (double[][]) direction[i], t);
                case float[][] a -> {
                    float[][] v = (float[][]) direction[i];
                    for (int r = 0; r < a.length; r++) {
                        for (int k = 0; k < a[r].length; k++) {
                            a[r][k] = (float) (a[r][k] + t * v[r][k]);
                        }
                    }
                }
                default -> {
                }
            }
        }
        return c;
    }

    /** A random direction: a number per real, an array per real array, null otherwise. */
    static Object[] direction(Object[] args, Random rng) {
        Object[] d = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case Double x -> d[i] = rng.nextGaussian();
                case Float x -> d[i] = rng.nextGaussian();
                case double[] a -> d[i] = rng.doubles(a.length).map(u -> 2 * u - 1).toArray();
                case double[][] a -> d[i] = Matrix.random(a, rng);
                case float[][] a -> {
                    float[][] v = new float[a.length][];
                    for (int r = 0; r < a.length; r++) {
                        v[r] = new float[a[r].length];
                        for (int k = 0; k < v[r].length; k++) {
                            v[r][k] = (float) (2 * rng.nextDouble() - 1);
                        }
                    }
                    d[i] = v;
                }
                default -> {
                }
            }
        }
        return d;
    }

    static double dot(Object[] gradient, Object[] direction) {
        double s = 0;
        for (int i = 0; i < gradient.length; i++) {
            if (gradient[i] instanceof Number g && direction[i] != null) {
                s += g.doubleValue() * ((Number) direction[i]).doubleValue();
            } else if (gradient[i] instanceof double[][] g && direction[i] != null) {
                s += Matrix.dot(g, (double[][]) direction[i]);
            } else if (gradient[i] instanceof float[][] g && direction[i] != null) {
                float[][] v = (float[][]) direction[i];
                for (int r = 0; r < g.length; r++) {
                    for (int k = 0; k < g[r].length; k++) {
                        s += (double) g[r][k] * v[r][k];
                    }
                }
            } else if (gradient[i] instanceof double[] g && direction[i] != null) {
                double[] v = (double[]) direction[i];
                for (int k = 0; k < g.length; k++) {
                    s += g[k] * v[k];
                }
            }
        }
        return s;
    }

    static void close(double expected, double actual, double tolerance, String what) {
        if (!(Math.abs(expected - actual) <= tolerance * Math.max(1, Math.abs(expected)))) {
            fail(what + ": expected " + expected + " but got " + actual + " (difference "
                    + Math.abs(expected - actual) + ")");
        }
    }

    /**
     * Forward and reverse mode of {@code name} at {@code args}, against finite differences along a
     * random direction, and the value against the method's own.
     */
    static void forwardAndReverse(Class<?> owner, String name, Object... args) {
        forwardAndReverseWithin(TOLERANCE, owner, name, args);
    }

    static void forwardAndReverseWithin(double tolerance, Class<?> owner, String name, Object... args) {
        Method m = method(owner, name);
        MethodDerivative d = JvmAd.method(owner, name);
        Random rng = new Random(name.hashCode());
        for (int trial = 0; trial < 3; trial++) {
            Object[] dir = direction(args, rng);
            FiniteDifferences.Estimate fd = FiniteDifferences.derivative(t -> value(m, moved(args, dir, t)), 1e-2);
            MethodDerivative.Result fwd = d.jvp(copy(args), dir);
            assertEquals(value(m, args), fwd.value(), 0.0, name + ": forward-mode value");
            close(fd.value(), (double) fwd.derivatives()[0], tolerance, name + ": tangent along a random direction");
            MethodDerivative.Result rev = d.gradient(copy(args));
            assertEquals(value(m, args), rev.value(), 0.0, name + ": reverse-mode value");
            close(fd.value(), dot(rev.derivatives(), dir), tolerance, name + ": gradient . direction");
        }
    }
}
