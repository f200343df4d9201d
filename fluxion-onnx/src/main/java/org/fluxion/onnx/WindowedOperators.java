package org.fluxion.onnx;

import java.util.Arrays;
import java.util.List;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Convolutions;
import org.fluxion.tensor.Tensor;

/**
 * Convolution and pooling beyond what Fluxion's 2-D primitives take: 3-D convolution as a sum over the depth
 * taps of 2-D convolutions (depth folded into the batch), and max/average pooling of any rank or dilation as
 * an elementwise max/sum over the kernel's offsets of strided slices of the padded input. Built only from
 * differentiable operations, so gradients, jit and vmap come for free; slower than a dedicated kernel.
 */
final class WindowedOperators {
    private WindowedOperators() {
    }

    /** Window attributes of an N-D node with auto_pad resolved: pads as (begin, end) per spatial axis. */
    record Geometry(int[] kernel, int[] strides, int[] dilations, int[] begin, int[] end) {
        int out(int axis, int in) {
            int span = (kernel[axis] - 1) * dilations[axis] + 1;
            return Math.floorDiv(in + begin[axis] + end[axis] - span, strides[axis]) + 1;
        }
    }

    static Geometry geometry(Node n, int[] in, int[] kernel) {
        int s = kernel.length;
        int[] strides = n.ints("strides", filled(s, 1));
        int[] dil = n.ints("dilations", filled(s, 1));
        int[] pads = n.ints("pads", new int[2 * s]);
        int[] begin = Arrays.copyOfRange(pads, 0, s);
        int[] end = Arrays.copyOfRange(pads, s, 2 * s);
        String auto = n.s("auto_pad", "NOTSET");
        if (auto.equals("VALID")) {
            begin = new int[s];
            end = new int[s];
        } else if (auto.startsWith("SAME")) {
            for (int i = 0; i < s; i++) {
                int out = (in[i] + strides[i] - 1) / strides[i];
                int total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1 - in[i]);
                begin[i] = auto.equals("SAME_LOWER") ? (total + 1) / 2 : total / 2;
                end[i] = total - begin[i];
            }
        }
        return new Geometry(kernel, strides, dil, begin, end);
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    /** x [N, C, spatial...] padded with {@code value} by the geometry's pads. */
    private static Tensor pad(Tensor x, Geometry g, double value) {
        int[] p = new int[2 * x.rank()];
        boolean any = false;
        for (int i = 0; i < g.kernel.length; i++) {
            p[2 * (i + 2)] = g.begin[i];
            p[2 * (i + 2) + 1] = g.end[i];
            any |= g.begin[i] != 0 || g.end[i] != 0;
        }
        return any ? x.pad(p, value) : x;
    }

    /**
     * Max or average pooling: {@code y[o] = max/mean over offsets k of xpad[o * stride + k * dilation]}.
     * ceil_mode is not supported here.
     */
    static Tensor pool(Node n, Tensor x, boolean max) {
        int[] kernel = n.ints("kernel_shape", null);
        if (n.i("ceil_mode", 0) != 0) {
            throw new UnsupportedModelException(n.describe(), List.of(n.opType() + " " + kernel.length
                    + "-D or dilated with ceil_mode"));
        }
        Geometry g = geometry(n, Arrays.copyOfRange(x.dims(), 2, x.rank()), kernel);
        Tensor padded = pad(x, g, max ? Double.NEGATIVE_INFINITY : 0);
        Tensor y = reduceWindows(padded, g, x, max);
        if (!max) {
            boolean includePad = n.i("count_include_pad", 0) != 0;
            int count = 1;
            for (int k : kernel) count *= k;
            if (includePad) {
                y = y.div(count);
            } else {
                int[] ones = x.dims();
                ones[0] = 1;
                ones[1] = 1;
                Tensor mask = pad(Tensor.ones(x.dtype(), ones), g, 0);
                y = y.div(reduceWindows(mask, g, x, false));
            }
        }
        return y;
    }

    /** Max (or sum) over the kernel's offsets of strided slices of {@code padded}. */
    private static Tensor reduceWindows(Tensor padded, Geometry g, Tensor x, boolean max) {
        int s = g.kernel.length;
        int[] out = new int[s];
        for (int i = 0; i < s; i++) out[i] = g.out(i, x.dim(2 + i));
        int total = 1;
        for (int k : g.kernel) total *= k;
        Tensor acc = null;
        for (int flat = 0; flat < total; flat++) {
            Tensor t = padded;
            int rest = flat;
            for (int i = s - 1; i >= 0; i--) {
                int k = rest % g.kernel[i];
                rest /= g.kernel[i];
                int start = k * g.dilations[i];
                t = t.slice(2 + i, start, start + (out[i] - 1) * g.strides[i] + 1, g.strides[i]);
            }
            acc = acc == null ? t : max ? acc.maximum(t) : acc.add(t);
        }
        return acc;
    }

    /**
     * 3-D convolution: {@code y[:, :, od] = sum_kd conv2d(xpad[:, :, od * sd + kd * dd], w[:, :, kd])}, each
     * depth tap one 2-D convolution over all output depths at once (depth folded into the batch).
     */
    static Tensor conv3d(Node n, Tensor x, Tensor w, Tensor bias) {
        int[] kernel = n.ints("kernel_shape", Arrays.copyOfRange(w.dims(), 2, w.rank()));
        Geometry g = geometry(n, Arrays.copyOfRange(x.dims(), 2, x.rank()), kernel);
        int groups = n.int32("group", 1);
        Tensor padded = pad(x, g, 0);
        int batch = x.dim(0);
        int channels = x.dim(1);
        int od = g.out(0, x.dim(2));
        Conv2dOptions o = new Conv2dOptions(g.strides[1], g.strides[2], 0, 0, g.dilations[1], g.dilations[2], groups);
        Tensor acc = null;
        for (int k = 0; k < kernel[0]; k++) {
            int start = k * g.dilations[0];
            Tensor slab = padded.slice(2, start, start + (od - 1) * g.strides[0] + 1, g.strides[0]);
            Tensor folded = slab.permute(0, 2, 1, 3, 4).reshape(batch * od, channels, slab.dim(3), slab.dim(4));
            Tensor y = Convolutions.conv2d(folded, w.select(2, k), null, o);
            acc = acc == null ? y : acc.add(y);
        }
        Tensor y = acc.reshape(batch, od, acc.dim(1), acc.dim(2), acc.dim(3)).permute(0, 2, 1, 3, 4);
        if (bias != null) {
            y = y.add(bias.reshape(bias.size(), 1, 1, 1));
        }
        return y;
    }
}
