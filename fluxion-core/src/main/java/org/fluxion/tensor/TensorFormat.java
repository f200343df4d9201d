package org.fluxion.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Printing, equality and closeness of tensors. */
final class TensorFormat {
    /** Tensors with more elements than this are printed with "..." in place of middle entries. */
    static final int ELIDE_THRESHOLD = 1000;
    /** Entries kept at each end of an elided dimension. */
    static final int EDGE_ITEMS = 3;

    private TensorFormat() {
    }

    static String format(Tensor t) {
        boolean elide = t.size() > ELIDE_THRESHOLD;
        List<Double> shown = new ArrayList<>();
        collect(t, new int[t.rank()], 0, elide, shown);
        ValueFormat vf = ValueFormat.choose(t.dtype(), shown);
        StringBuilder sb = new StringBuilder("tensor(");
        render(t, new int[t.rank()], 0, elide, vf, sb, "tensor(".length());
        sb.append(", shape=").append(t.shape()).append(", dtype=").append(t.dtype().label()).append(')');
        return sb.toString();
    }

    private static boolean skipped(int i, int d, boolean elide) {
        return elide && d > 2 * EDGE_ITEMS && i >= EDGE_ITEMS && i < d - EDGE_ITEMS;
    }

    private static void collect(Tensor t, int[] idx, int depth, boolean elide, List<Double> out) {
        if (depth == t.rank()) {
            out.add(t.get(idx));
            return;
        }
        int d = t.dim(depth);
        for (int i = 0; i < d; i++) {
            if (skipped(i, d, elide)) {
                i = d - EDGE_ITEMS - 1;
                continue;
            }
            idx[depth] = i;
            collect(t, idx, depth + 1, elide, out);
        }
    }

    private static void render(Tensor t, int[] idx, int depth, boolean elide, ValueFormat vf, StringBuilder sb, int indent) {
        if (depth == t.rank()) {
            sb.append(vf.format(t.get(idx)));
            return;
        }
        sb.append('[');
        int d = t.dim(depth);
        boolean inner = depth == t.rank() - 1;
        for (int i = 0; i < d; i++) {
            if (i > 0) {
                sb.append(',');
                if (inner) {
                    sb.append(' ');
                } else {
                    sb.append("\n".repeat(t.rank() - depth - 1)).append(" ".repeat(indent + depth + 1));
                }
            }
            if (skipped(i, d, elide)) {
                sb.append("...");
                i = d - EDGE_ITEMS - 1;
                continue;
            }
            idx[depth] = i;
            render(t, idx, depth + 1, elide, vf, sb, indent);
        }
        sb.append(']');
    }

    /** How the entries of one tensor are printed, chosen once so that columns line up. */
    private record ValueFormat(DType dtype, String pattern, int width) {
        static ValueFormat choose(DType dtype, List<Double> values) {
            if (!dtype.isFloatingPoint()) {
                int w = 1;
                for (double v : values) {
                    w = Math.max(w, dtype == DType.BOOL ? (v != 0 ? 4 : 5) : Long.toString((long) v).length());
                }
                return new ValueFormat(dtype, null, w);
            }
            boolean allWhole = true;
            double maxAbs = 0;
            double minAbs = Double.POSITIVE_INFINITY;
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    continue;
                }
                allWhole &= v == Math.rint(v);
                maxAbs = Math.max(maxAbs, Math.abs(v));
                if (v != 0) {
                    minAbs = Math.min(minAbs, Math.abs(v));
                }
            }
            String pattern;
            if (allWhole && maxAbs < 1e8) {
                pattern = "%.0f.";
            } else if (maxAbs >= 1e8 || (minAbs < 1e-4 && minAbs != Double.POSITIVE_INFINITY)
                    || (maxAbs / minAbs > 1e6 && minAbs != Double.POSITIVE_INFINITY)) {
                pattern = "%.4e";
            } else {
                pattern = "%.4f";
            }
            ValueFormat raw = new ValueFormat(dtype, pattern, 0);
            int w = 1;
            for (double v : values) {
                w = Math.max(w, raw.format(v).length());
            }
            return new ValueFormat(dtype, pattern, w);
        }

        String format(double v) {
            String s;
            if (dtype == DType.BOOL) {
                s = v != 0 ? "true" : "false";
            } else if (!dtype.isFloatingPoint()) {
                s = Long.toString((long) v);
            } else if (Double.isNaN(v)) {
                s = "nan";
            } else if (Double.isInfinite(v)) {
                s = v > 0 ? "inf" : "-inf";
            } else {
                s = String.format(Locale.ROOT, pattern, v);
            }
            return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
        }
    }

    /** {@link Tensor#allClose}: both must have values. */
    static boolean allClose(Tensor a, Tensor b, double rtol, double atol) {
        ElementAccess.concrete(a, "allClose");
        ElementAccess.concrete(b, "allClose");
        return allClose(a, b, rtol, atol, false);
    }

    /** {@link Tensor#equals}: a tensor of the same dtype, shape and elements; both must have values. */
    static boolean equal(Tensor a, Object o) {
        if (o instanceof Tensor b) {
            ElementAccess.concrete(a, "equals");
            ElementAccess.concrete(b, "equals");
            return exactlyEqual(a, b);
        }
        return false;
    }

    /** {@link Tensor#toString}: the values, or only the type of a traced tensor. */
    static String describe(Tensor t) {
        return TensorInternals.storage(t).isAbstract() ? "Traced<" + t.type() + ">" : format(t);
    }

    static boolean allClose(Tensor a, Tensor b, double rtol, double atol, boolean nanEqual) {
        if (!a.shape().equals(b.shape())) {
            return false;
        }
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i]) || Double.isNaN(y[i])) {
                if (!(nanEqual && Double.isNaN(x[i]) && Double.isNaN(y[i]))) {
                    return false;
                }
            } else if (x[i] != y[i] && !(Math.abs(x[i] - y[i]) <= atol + rtol * Math.abs(y[i]))) {
                return false;
            }
        }
        return true;
    }

    static boolean exactlyEqual(Tensor a, Tensor b) {
        if (a == b) {
            return true;
        }
        if (a.dtype() != b.dtype() || !a.shape().equals(b.shape())) {
            return false;
        }
        if (a.dtype() == DType.INT64) {
            return java.util.Arrays.equals(a.toLongArray(), b.toLongArray());
        }
        return allClose(a, b, 0, 0, true);
    }

    static int hash(Tensor t) {
        ElementAccess.concrete(t, "hashCode");
        int h = 31 * t.shape().hashCode() + t.dtype().hashCode();
        int n = Math.min(t.size(), 16);
        double[] v = t.flatten().slice(0, 0, n).toDoubleArray();
        for (double d : v) {
            h = 31 * h + Double.hashCode(d == 0 ? 0 : d); // +0 and -0 are equal
        }
        return h;
    }
}
