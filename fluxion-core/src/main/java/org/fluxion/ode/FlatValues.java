package org.fluxion.ode;

import java.util.Arrays;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;

/**
 * Copies between tensors and the flat {@code double[]} arrays the solvers work on (row-major; a float32 tensor's
 * elements widened on the way out and rounded on the way in), read and written in place through storages and
 * strides: no converted tensor is made.
 */
final class FlatValues {
    private FlatValues() {
    }

    /** The elements of {@code t} in row-major order, as float64 (read in place: no converted tensor). */
    static double[] toDoubles(Tensor t) {
        double[] out = new double[t.size()];
        flat(t, out, 0, false);
        return out;
    }

    /** A new tensor of {@code dims} and {@code dtype} holding {@code values} (row-major), rounded for float32. */
    static Tensor tensorOf(double[] values, int[] dims, DType dtype) {
        Tensor t = Tensor.empty(Shape.of(dims), dtype);
        load(values, t);
        return t;
    }

    static void load(double[] values, Tensor target) {
        loadRange(values, 0, target);
    }

    /** Copies {@code target.size()} values from {@code values[offset..]} into a fresh contiguous tensor. */
    static void loadRange(double[] values, int offset, Tensor target) {
        Object array = TensorInternals.storage(target).array();
        int size = target.size();
        if (array instanceof double[] d) {
            System.arraycopy(values, offset, d, 0, size);
        } else {
            float[] f = (float[]) array;
            for (int i = 0; i < size; i++) {
                f[i] = (float) values[offset + i];
            }
        }
    }

    static void copyOrZero(Tensor t, double[] out, int offset, int size) {
        if (t == null) {
            Arrays.fill(out, offset, offset + size, 0);
        } else {
            copyFlat(t, out, offset);
        }
    }

    /**
     * {@code out[offset..] = t}'s elements in row-major order, read in place through its strides (a VJP's
     * weight cotangent is often a transposed view): no converted copy.
     */
    static void copyFlat(Tensor t, double[] out, int offset) {
        flat(t, out, offset, false);
    }

    /** {@code out[offset..] = t} ({@link #copyFlat}), or {@code += t} when {@code add}. */
    static void flat(Tensor t, double[] out, int offset, boolean add) {
        Object array = TensorInternals.storage(t).array();
        int size = t.size();
        if (!(array instanceof double[]) && !(array instanceof float[])) {
            double[] values = t.toDoubleArray();
            for (int i = 0; i < size; i++) {
                out[offset + i] = add ? out[offset + i] + values[i] : values[i];
            }
            return;
        }
        double[] d = array instanceof double[] dd ? dd : null;
        float[] f = array instanceof float[] ff ? ff : null;
        if (t.isContiguous()) {
            int o = t.offset();
            if (d != null && !add) {
                System.arraycopy(d, o, out, offset, size);
            } else if (d != null) {
                for (int i = 0; i < size; i++) {
                    out[offset + i] += d[o + i];
                }
            } else if (!add) {
                for (int i = 0; i < size; i++) {
                    out[offset + i] = f[o + i];
                }
            } else {
                for (int i = 0; i < size; i++) {
                    out[offset + i] += f[o + i];
                }
            }
            return;
        }
        int rank = t.rank();
        int[] dims = t.shape().dims();
        int[] strides = t.strides();
        int[] index = new int[rank];
        int source = t.offset();
        for (int i = 0; i < size; i++) {
            double v = d != null ? d[source] : f[source];
            out[offset + i] = add ? out[offset + i] + v : v;
            for (int axis = rank - 1; axis >= 0; axis--) {
                source += strides[axis];
                if (++index[axis] < dims[axis]) {
                    break;
                }
                source -= strides[axis] * dims[axis];
                index[axis] = 0;
            }
        }
    }
}
