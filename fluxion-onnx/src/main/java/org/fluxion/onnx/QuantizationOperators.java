package org.fluxion.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.fluxion.ops.Elementwise;
import org.fluxion.ops.UnaryOp;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * The linear-quantization operators on INT8/UINT8 tensors: QuantizeLinear, DequantizeLinear,
 * DynamicQuantizeLinear, MatMulInteger, ConvInteger, QLinearMatMul and QLinearConv. Integer arithmetic runs
 * in float64, where every product and sum of 8-bit values is exact (|sum| < 2^53), then is rounded half to
 * even and saturated to the output type's range, as ONNX specifies:
 * {@code q = saturate(round(x / scale) + zero_point)}, {@code x = (q - zero_point) * scale}.
 */
final class QuantizationOperators {
    private QuantizationOperators() {
    }

    static void register(Map<String, Lowering> t) {
        t.put("QuantizeLinear", (n, in) -> {
            DType out = in.length > 2 && in[2] != null ? in[2].dtype() : DType.UINT8;
            int axis = n.int32("axis", 1);
            Tensor scale = perAxis(n, in[1], in[0], axis);
            Tensor zero = in.length > 2 && in[2] != null ? perAxis(n, in[2], in[0], axis).to(DType.FLOAT64) : null;
            // x / scale in x's type, as ONNX's reference computes it (ties then round the same way).
            return Values.one(quantize(n, in[0].div(scale.to(in[0].dtype())).to(DType.FLOAT64), zero, out));
        });
        t.put("DequantizeLinear", (n, in) -> {
            int axis = n.int32("axis", 1);
            Tensor scale = perAxis(n, in[1], in[0], axis);
            Tensor q = in[0].to(DType.FLOAT64);
            if (in.length > 2 && in[2] != null) {
                q = q.sub(perAxis(n, in[2], in[0], axis).to(DType.FLOAT64));
            }
            return Values.one(q.mul(scale.to(DType.FLOAT64)).to(scale.dtype()));
        });
        t.put("DynamicQuantizeLinear", (n, in) -> {
            // The range always holds 0, so that 0 is exactly representable: scale = (max - min) / 255. The
            // divisions run in the input's type, as ONNX's reference does, so that ties round the same way.
            Tensor x = in[0];
            Tensor min = x.min().minimum(0.0);
            Tensor scale = x.max().maximum(0.0).sub(min).div(255.0);
            Tensor zero = round(min.neg().div(scale).to(DType.FLOAT64)).clamp(0, 255);
            Tensor y = quantize(n, x.div(scale).to(DType.FLOAT64), zero, DType.UINT8);
            return new Tensor[] {y, scale, zero.to(DType.UINT8)};
        });
        t.put("MatMulInteger", (n, in) -> {
            Tensor a = shifted(in[0], in.length > 2 ? in[2] : null, in[0].rank() - 2);
            Tensor b = shifted(in[1], in.length > 3 ? in[3] : null, -1);
            return Values.one(a.matmul(b).to(DType.INT32));
        });
        t.put("ConvInteger", (n, in) -> {
            Tensor x = shifted(in[0], in.length > 2 ? in[2] : null, 1);
            Tensor w = shifted(in[1], in.length > 3 ? in[3] : null, 0);
            return Values.one(NeuralOperators.conv(n, x, w, null).to(DType.INT32));
        });
        t.put("QLinearMatMul", (n, in) -> {
            Tensor a = shifted(in[0], in[2], in[0].rank() - 2);
            Tensor b = shifted(in[3], in[5], -1);
            Tensor scale = rowScale(in[1], in[0]).mul(columnScale(in[4])).div(in[6].to(DType.FLOAT64));
            return Values.one(quantize(n, a.matmul(b).mul(scale), in[7].to(DType.FLOAT64), in[7].dtype()));
        });
        t.put("QLinearConv", (n, in) -> {
            Tensor x = shifted(in[0], in[2], 1);
            Tensor w = shifted(in[3], in[5], 0);
            Tensor bias = in.length > 8 && in[8] != null ? in[8].to(DType.FLOAT64) : null;
            Tensor acc = NeuralOperators.conv(n, x, w, bias);
            // Per output channel: x_scale * w_scale[c] / y_scale, viewed as [C, 1, ...] against [N, C, ...].
            Tensor scale = perAxis(n, in[4], acc, 1).to(DType.FLOAT64).mul(in[1].to(DType.FLOAT64))
                    .div(in[6].to(DType.FLOAT64));
            return Values.one(quantize(n, acc.mul(scale), in[7].to(DType.FLOAT64), in[7].dtype()));
        });
    }

    /** {@code saturate(round(scaled) + zero)} in {@code out}'s range; {@code zero} may be null (0). */
    private static Tensor quantize(Node n, Tensor scaled, Tensor zero, DType out) {
        Tensor q = round(scaled);
        if (zero != null) {
            q = q.add(zero);
        }
        return switch (out) {
            case UINT8 -> q.clamp(0, 255).to(DType.UINT8);
            case INT8 -> q.clamp(-128, 127).to(DType.INT8);
            case INT32 -> q.clamp(Integer.MIN_VALUE, Integer.MAX_VALUE).to(DType.INT32);
            default -> throw new UnsupportedModelException(n.describe(), List.of(n.opType() + " to " + out));
        };
    }

    private static Tensor round(Tensor x) {
        return Elementwise.unary(UnaryOp.ROUND, x);
    }

    /**
     * A scale or zero point against {@code x}: a scalar as it is, a vector [C] viewed along {@code axis}
     * (per-channel quantization).
     */
    private static Tensor perAxis(Node n, Tensor v, Tensor x, int axis) {
        if (v.rank() == 0 || (v.rank() == 1 && v.size() == 1)) {
            return v.reshape();
        }
        int a = Values.axis(n, axis, x.rank());
        if (v.rank() != 1 || v.size() != x.dim(a)) {
            throw n.error("per-axis scale or zero point of shape " + v.shape() + " does not match axis " + a
                    + " of " + x.shape());
        }
        int[] dims = new int[x.rank()];
        Arrays.fill(dims, 1);
        dims[a] = v.size();
        return v.reshape(dims);
    }

    /**
     * {@code q - zero_point} in float64; a vector zero point runs along {@code axis} of q (-1: the last;
     * MatMulInteger's per-row zero point of A runs along its rows, axis rank - 2).
     */
    private static Tensor shifted(Tensor q, Tensor zero, int axis) {
        Tensor x = q.to(DType.FLOAT64);
        if (zero == null) {
            return x;
        }
        Tensor z = zero.to(DType.FLOAT64);
        if (z.rank() == 1 && z.size() > 1) {
            int a = axis < 0 ? q.rank() + axis : axis;
            int[] dims = new int[q.rank()];
            Arrays.fill(dims, 1);
            dims[a] = z.size();
            z = z.reshape(dims);
        } else {
            z = z.reshape();
        }
        return x.sub(z);
    }

    /** A's scale in QLinearMatMul: scalar, or one per row ([M] viewed as [M, 1]). */
    private static Tensor rowScale(Tensor s, Tensor a) {
        Tensor x = s.to(DType.FLOAT64);
        return x.rank() == 1 && x.size() > 1 ? x.reshape(x.size(), 1) : x.reshape();
    }

    /** B's scale in QLinearMatMul: scalar, or one per column ([N]). */
    private static Tensor columnScale(Tensor s) {
        Tensor x = s.to(DType.FLOAT64);
        return x.rank() == 1 && x.size() > 1 ? x : x.reshape();
    }
}
