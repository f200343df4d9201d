package org.fluxion.ops;

import java.util.Arrays;
import org.fluxion.ops.ViewPrimitives.Copy;
import org.fluxion.ops.ViewPrimitives.Expand;
import org.fluxion.ops.ViewPrimitives.Permute;
import org.fluxion.ops.ViewPrimitives.Reshape;
import org.fluxion.ops.ViewPrimitives.Slice;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;

/**
 * Shape operations built on the movement primitives: reshape (with -1), transpose, select, squeeze,
 * unsqueeze, flatten, contiguous. Views share storage with their input.
 */
public final class Views {
    private Views() {
    }

    public static Tensor reshape(Tensor x, int... dims) {
        Shape target = inferShape("reshape", x.shape(), dims);
        return target.equals(x.shape()) ? x : Ops.bind(new Reshape(target), x);
    }

    public static Tensor permute(Tensor x, int... order) {
        return Ops.bind(new Permute(order.clone()), x);
    }

    public static Tensor transpose(Tensor x, int axis0, int axis1) {
        int rank = x.rank();
        if (rank < 2 && axis0 == -2 && axis1 == -1) {
            throw new IllegalArgumentException("transpose: needs a tensor of rank >= 2, got shape " + x.shape());
        }
        int a = Shape.normalizeAxis(axis0, rank, "transpose");
        int b = Shape.normalizeAxis(axis1, rank, "transpose");
        int[] order = new int[rank];
        for (int i = 0; i < rank; i++) {
            order[i] = i;
        }
        order[a] = b;
        order[b] = a;
        return Ops.bind(new Permute(order), x);
    }

    public static Tensor expand(Tensor x, int... dims) {
        int[] target = dims.clone();
        int offset = target.length - x.rank();
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1) {
                if (i < offset) {
                    throw new IllegalArgumentException("expand: -1 is not allowed for the new leading axis " + i
                            + " in " + Arrays.toString(dims));
                }
                target[i] = x.dim(i - offset);
            }
        }
        Shape s = Shape.of("expand", target);
        return s.equals(x.shape()) ? x : Ops.bind(new Expand(s), x);
    }

    public static Tensor slice(Tensor x, int axis, int start, int end, int step) {
        int a = Shape.normalizeAxis(axis, x.rank(), "slice");
        if (step < 1) {
            throw new IllegalArgumentException("slice: step must be >= 1, got " + step);
        }
        int d = x.dim(a);
        int s = clamp(start < 0 ? start + d : start, d);
        int e = clamp(end < 0 ? end + d : end, d);
        return Ops.bind(new Slice(a, s, Math.max(s, e), step), x);
    }

    private static int clamp(int i, int d) {
        return Math.max(0, Math.min(i, d));
    }

    public static Tensor select(Tensor x, int axis, int index) {
        int a = Shape.normalizeAxis(axis, x.rank(), "select");
        int d = x.dim(a);
        int i = index < 0 ? index + d : index;
        if (i < 0 || i >= d) {
            throw new IndexOutOfBoundsException("select: index " + index + " is out of bounds for axis " + axis
                    + " of size " + d + " (shape " + x.shape() + ")");
        }
        Tensor s = Ops.bind(new Slice(a, i, i + 1, 1), x);
        int[] dims = x.dims();
        int[] out = new int[dims.length - 1];
        for (int k = 0, j = 0; k < dims.length; k++) {
            if (k != a) {
                out[j++] = dims[k];
            }
        }
        return reshape(s, out);
    }

    public static Tensor squeeze(Tensor x) {
        return reshape(x, Arrays.stream(x.dims()).filter(d -> d != 1).toArray());
    }

    public static Tensor squeeze(Tensor x, int... axes) {
        int[] norm = Shape.normalizeAxes(axes, x.rank(), "squeeze");
        if (axes.length == 0) {
            return squeeze(x);
        }
        boolean[] drop = new boolean[x.rank()];
        for (int a : norm) {
            if (x.dim(a) != 1) {
                throw new IllegalArgumentException("squeeze: axis " + a + " has size " + x.dim(a)
                        + ", not 1 (shape " + x.shape() + ")");
            }
            drop[a] = true;
        }
        int[] out = new int[x.rank() - norm.length];
        for (int k = 0, j = 0; k < x.rank(); k++) {
            if (!drop[k]) {
                out[j++] = x.dim(k);
            }
        }
        return reshape(x, out);
    }

    public static Tensor unsqueeze(Tensor x, int axis) {
        int a = Shape.normalizeAxis(axis, x.rank() + 1, "unsqueeze");
        int[] dims = x.dims();
        int[] out = new int[dims.length + 1];
        for (int k = 0, j = 0; k < out.length; k++) {
            out[k] = k == a ? 1 : dims[j++];
        }
        return reshape(x, out);
    }

    public static Tensor flatten(Tensor x, int startAxis, int endAxis) {
        if (x.rank() == 0) {
            return reshape(x, 1);
        }
        int s = Shape.normalizeAxis(startAxis, x.rank(), "flatten");
        int e = Shape.normalizeAxis(endAxis, x.rank(), "flatten");
        if (s > e) {
            throw new IllegalArgumentException("flatten: start axis " + startAxis + " comes after end axis " + endAxis);
        }
        int[] dims = x.dims();
        int[] out = new int[dims.length - (e - s)];
        int merged = 1;
        for (int k = s; k <= e; k++) {
            merged *= dims[k];
        }
        for (int k = 0, j = 0; k < dims.length; k++) {
            if (k < s || k > e) {
                out[j++] = dims[k];
            } else if (k == s) {
                out[j++] = merged;
            }
        }
        return reshape(x, out);
    }

    public static Tensor contiguous(Tensor x) {
        return x.isContiguous() ? x : Ops.bind(new Copy(), x);
    }

    public static Tensor copy(Tensor x) {
        return Ops.bind(new Copy(), x);
    }

    /**
     * A view of the same elements that no derivative flows through (stop-gradient): each transformation's
     * state of {@code x} gives the state of its detached view ({@link Interpreter.State#detached}), so a traced
     * tensor's view stays traced.
     */
    public static Tensor detach(Tensor x) {
        Tensor view = TensorInternals.view(TensorInternals.storage(x), x.shape(), x.strides(), x.offset());
        Interpreter.State s = Interpreter.stateOf(x);
        if (s != null) {
            TensorInternals.setState(view, s.detached());
        }
        return view;
    }

    /**
     * The user's stop-gradient ({@code Tensor.detach()}, {@code Functional.stopGradient}): {@link #detach}, and
     * while tracing a {@link StopGradient} equation too, because a nested graph (a loop's body) is
     * differentiated later by interpreting it, which would not see the view's missing tape state. The
     * transformations' own detaches (a fresh leaf for a rule's tape) stay plain {@link #detach}: graph values
     * that outer transformations still differentiate through.
     */
    public static Tensor stopGradient(Tensor x) {
        Tensor view = detach(x);
        return view.isTraced() ? Ops.bind(new StopGradient(), view) : view;
    }

    /** Strides of {@code x} seen as broadcast to {@code target}: 0 along broadcast and new axes. */
    public static int[] broadcastStrides(Tensor x, Shape target) {
        int rank = target.rank();
        int offset = rank - x.rank();
        int[] s = new int[rank];
        for (int i = offset; i < rank; i++) {
            s[i] = x.dim(i - offset) == 1 ? 0 : x.stride(i - offset);
        }
        return s;
    }

    /** Resolves one -1 in {@code dims} so that the size matches {@code from}. */
    static Shape inferShape(String op, Shape from, int[] dims) {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one dimension can be -1 in " + Arrays.toString(dims));
                }
                infer = i;
            } else if (dims[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid dimension " + dims[i] + " in " + Arrays.toString(dims));
            } else {
                known *= dims[i];
            }
        }
        int[] out = dims.clone();
        if (infer >= 0) {
            if (known == 0 || from.size() % known != 0) {
                throw new IllegalArgumentException(op + ": cannot reshape " + from + " (" + from.size()
                        + " elements) to " + Arrays.toString(dims));
            }
            out[infer] = (int) (from.size() / known);
        }
        return Shape.of(op, out);
    }

    /**
     * Strides that let a tensor with {@code oldDims}/{@code oldStrides} be viewed as {@code newDims}
     * without copying, or null when the layout does not allow it (NumPy's no-copy reshape).
     */
    static int[] viewStrides(int[] oldDims, int[] oldStrides, int[] newDims) {
        int[] newStrides = new int[newDims.length];
        long size = 1;
        for (int d : oldDims) {
            size *= d;
        }
        if (size == 0) {
            return Shape.of(newDims).contiguousStrides();
        }
        // Size-1 axes carry no layout information: drop them.
        int kept = 0;
        for (int d : oldDims) {
            kept += d != 1 ? 1 : 0;
        }
        int[] od = new int[kept];
        int[] os = new int[kept];
        for (int i = 0, j = 0; i < oldDims.length; i++) {
            if (oldDims[i] != 1) {
                od[j] = oldDims[i];
                os[j++] = oldStrides[i];
            }
        }
        int oi = 0;
        int ni = 0;
        while (ni < newDims.length) {
            if (newDims[ni] == 1) {
                newStrides[ni] = 1;
                ni++;
                continue;
            }
            // Take the smallest groups of old axes oi..oj and new axes ni..nj with equal size.
            int oj = oi + 1;
            int nj = ni + 1;
            long op = od[oi];
            long np = newDims[ni];
            while (op != np) {
                if (np < op) {
                    np *= newDims[nj++];
                } else {
                    op *= od[oj++];
                }
            }
            for (int k = oi; k < oj - 1; k++) {
                if (os[k] != od[k + 1] * os[k + 1]) {
                    return null; // the old group is not contiguous within itself
                }
            }
            newStrides[nj - 1] = os[oj - 1];
            for (int k = nj - 1; k > ni; k--) {
                newStrides[k - 1] = newStrides[k] * newDims[k];
            }
            ni = nj;
            oi = oj;
        }
        return newStrides;
    }
}
