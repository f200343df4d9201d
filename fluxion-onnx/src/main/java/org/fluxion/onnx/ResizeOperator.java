package org.fluxion.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Resize (opsets 10 to 17) and Upsample (7 to 9): separable 1-D interpolation along each resized axis. The
 * weights depend only on the sizes, so they are computed here as a constant [out, in] matrix per axis and
 * applied with a matrix product (nearest neighbour: an index gather), which keeps the result differentiable
 * and traceable. Each output coordinate follows ONNX's reference: {@code x} in input coordinates from the
 * coordinate transformation mode, {@code ratio} in (0, 1] from the pixel at or left of it, the taps' weights
 * from the mode (nearest with its rounding, linear, cubic with coefficient a), taps beyond the edge reading
 * the edge (or dropped and renormalized with exclude_outside), tf_crop_and_resize's outside points set to
 * extrapolation_value.
 */
final class ResizeOperator {
    private ResizeOperator() {
    }

    static void register(Map<String, Lowering> t) {
        t.put("Resize", ResizeOperator::resize);
        t.put("Upsample", (n, in) -> {
            float[] scales = n.opset() < 9 ? n.floats("scales", null) : toFloats(n, in[1]);
            String mode = n.s("mode", "nearest");
            return Values.one(apply(n, in[0], scales, null, null, mode, "asymmetric", "floor", -0.75, false, 0));
        });
    }

    private static float[] toFloats(Node n, Tensor t) {
        double[] d;
        try {
            d = t.to(DType.FLOAT64).toDoubleArray();
        } catch (org.fluxion.tensor.ConcretizationException e) {
            throw n.error("scales must be a constant, but depend on traced values");
        }
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    private static Tensor[] resize(Node n, Tensor[] in) {
        Tensor x = in[0];
        Tensor roiT;
        Tensor scalesT;
        Tensor sizesT = null;
        if (n.opset() < 11) {
            roiT = null;
            scalesT = in[1];
        } else {
            roiT = in.length > 1 ? in[1] : null;
            scalesT = in.length > 2 ? in[2] : null;
            sizesT = in.length > 3 ? in[3] : null;
        }
        float[] scales = scalesT == null || scalesT.size() == 0 ? null : toFloats(n, scalesT);
        int[] sizes = sizesT == null || sizesT.size() == 0 ? null : Values.ints(n, sizesT, "sizes");
        float[] roi = roiT == null || roiT.size() == 0 ? null : toFloats(n, roiT);
        String mode = n.s("mode", "nearest");
        String transform = n.opset() < 11 ? "asymmetric" : n.s("coordinate_transformation_mode", "half_pixel");
        String nearest = n.opset() < 11 ? "floor" : n.s("nearest_mode", "round_prefer_floor");
        return Values.one(apply(n, x, scales, sizes, roi, mode, transform, nearest, n.f("cubic_coeff_a", -0.75),
                n.i("exclude_outside", 0) != 0, n.f("extrapolation_value", 0)));
    }

    private static Tensor apply(Node n, Tensor x, float[] scales, int[] sizes, float[] roi, String mode,
                                String transform, String nearest, double cubicA, boolean excludeOutside,
                                double extrapolation) {
        int r = x.rank();
        if ((scales == null) == (sizes == null)) {
            throw n.error("exactly one of scales and sizes must be given");
        }
        if ((scales != null ? scales.length : sizes.length) != r) {
            throw n.error("scales/sizes must have one entry per axis of " + x.shape());
        }
        if (!List.of("nearest", "linear", "cubic").contains(mode)) {
            throw n.error("mode '" + mode + "' is not nearest, linear or cubic");
        }
        Tensor y = x;
        for (int axis = 0; axis < r; axis++) {
            int inSize = x.dim(axis);
            double scale = scales != null ? scales[axis] : (double) sizes[axis] / inSize;
            int outSize = sizes != null ? sizes[axis] : (int) Math.floor(inSize * (double) scales[axis]);
            boolean identity = outSize == inSize && scale == 1 && !transform.equals("tf_crop_and_resize");
            if (identity) {
                continue;
            }
            double roiStart = roi == null ? 0 : roi[axis];
            double roiEnd = roi == null ? 1 : roi[r + axis];
            y = axis(n, y, axis, inSize, outSize, scale, roiStart, roiEnd, mode, transform, nearest, cubicA,
                    excludeOutside, extrapolation);
        }
        return y;
    }

    private static Tensor axis(Node n, Tensor x, int axis, int inSize, int outSize, double scale, double roiStart,
                               double roiEnd, String mode, String transform, String nearest, double cubicA,
                               boolean excludeOutside, double extrapolation) {
        double[][] weights = new double[outSize][inSize];
        boolean[] outside = new boolean[outSize];
        long[] pick = new long[outSize];
        boolean gather = mode.equals("nearest");
        // The reference's "output width" is scale * in, a real number, not the rounded output size.
        double outWidth = scale * inSize;
        for (int o = 0; o < outSize; o++) {
            double xo = switch (transform) {
                case "half_pixel" -> (o + 0.5) / scale - 0.5;
                case "pytorch_half_pixel" -> outWidth == 1 ? -0.5 : (o + 0.5) / scale - 0.5;
                case "align_corners" -> outWidth == 1 ? 0 : o * (inSize - 1) / (outWidth - 1);
                case "asymmetric" -> o / scale;
                case "tf_half_pixel_for_nn" -> (o + 0.5) / scale;
                case "tf_crop_and_resize" -> (outWidth == 1 ? (roiEnd - roiStart) * (inSize - 1) / 2
                        : o * (roiEnd - roiStart) * (inSize - 1) / (outWidth - 1)) + roiStart * (inSize - 1);
                default -> throw n.error("coordinate_transformation_mode '" + transform + "' is not supported");
            };
            if (transform.equals("tf_crop_and_resize") && (xo < 0 || xo > inSize - 1)) {
                outside[o] = true;
                gather = false;
                continue;
            }
            double floor = Math.floor(xo);
            double ratio = xo == floor ? 1 : xo - floor;
            double[] coeffs = switch (mode) {
                case "nearest" -> nearestCoefficients(n, ratio, xo == floor, nearest);
                case "linear" -> new double[] {1 - ratio, ratio};
                default -> cubicCoefficients(ratio, cubicA);
            };
            int[] taps = neighbours(xo, coeffs.length, inSize);
            if (excludeOutside) {
                double sum = 0;
                for (int k = 0; k < taps.length; k++) {
                    if (taps[k] < 0 || taps[k] >= inSize) coeffs[k] = 0;
                    sum += coeffs[k];
                }
                for (int k = 0; k < taps.length; k++) coeffs[k] /= sum;
            }
            for (int k = 0; k < taps.length; k++) {
                int i = Math.max(0, Math.min(inSize - 1, taps[k]));
                weights[o][i] += coeffs[k];
                if (coeffs[k] == 1) pick[o] = i;
            }
        }
        if (gather) {
            return x.indexSelect(axis, Tensor.of(pick, outSize));
        }
        DType work = x.dtype().isFloatingPoint() ? x.dtype() : DType.FLOAT64;
        double[] flat = new double[inSize * outSize];
        double[] mask = new double[outSize];
        for (int o = 0; o < outSize; o++) {
            // Stored transposed, [in, out], to multiply x with its axis moved last.
            for (int i = 0; i < inSize; i++) flat[i * outSize + o] = weights[o][i];
            mask[o] = outside[o] ? extrapolation : 0;
        }
        int last = x.rank() - 1;
        Tensor moved = x.to(work).transpose(axis, last);
        Tensor y = moved.matmul(Tensor.of(flat, inSize, outSize).to(work));
        if (extrapolation != 0) {
            y = y.add(Tensor.of(mask, outSize).to(work));
        }
        return y.transpose(axis, last).to(x.dtype());
    }

    private static double[] nearestCoefficients(Node n, double ratio, boolean integer, String mode) {
        if (integer) {
            return new double[] {0, 1};
        }
        boolean right = switch (mode) {
            case "round_prefer_floor" -> ratio > 0.5;
            case "round_prefer_ceil" -> ratio >= 0.5;
            case "floor" -> false;
            case "ceil" -> true;
            default -> throw n.error("nearest_mode '" + mode + "' is not supported");
        };
        return right ? new double[] {0, 1} : new double[] {1, 0};
    }

    /** Keys' cubic convolution weights of the four taps around x, for coefficient a. */
    private static double[] cubicCoefficients(double ratio, double a) {
        double r1 = ratio + 1;
        double s = 1 - ratio;
        double s1 = s + 1;
        return new double[] {
            ((a * r1 - 5 * a) * r1 + 8 * a) * r1 - 4 * a,
            ((a + 2) * ratio - (a + 3)) * ratio * ratio + 1,
            ((a + 2) * s - (a + 3)) * s * s + 1,
            ((a * s1 - 5 * a) * s1 + 8 * a) * s1 - 4 * a,
        };
    }

    /**
     * The {@code count} input positions nearest to x (ties to the lower), ascending, in the reference's
     * edge-padded index space shifted back: they may lie outside [0, size), where the edge value is read.
     */
    private static int[] neighbours(double x, int count, int size) {
        int pad = (count + 1) / 2;
        double xp = x + pad;
        int limit = size + 2 * pad;
        List<Integer> candidates = new ArrayList<>();
        int base = (int) Math.floor(xp);
        for (int i = base - count - 1; i <= base + count + 1; i++) {
            if (i >= 0 && i < limit) candidates.add(i);
        }
        candidates.sort((a, b) -> {
            int c = Double.compare(Math.abs(xp - a), Math.abs(xp - b));
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] taps = new int[Math.min(count, candidates.size())];
        for (int k = 0; k < taps.length; k++) taps[k] = candidates.get(k);
        Arrays.sort(taps);
        for (int k = 0; k < taps.length; k++) taps[k] -= pad;
        return taps;
    }
}
