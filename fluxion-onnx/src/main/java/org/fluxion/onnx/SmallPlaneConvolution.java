package org.fluxion.onnx;

import java.util.ArrayList;
import java.util.List;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.tensor.Tensor;

/**
 * A 2-D convolution whose whole output has only a few positions (the deep stages of a CNN at batch 1: 512
 * channels on a 2x2 plane), lowered as one matrix product against the weights as they are stored:
 * <pre>
 *   cols[(n, oh, ow), (c, i, j)] = xpad[n, c, oh sh + i dh, ow sw + j dw]
 *   y[n, o, oh, ow] = (cols W^T)[(n, oh, ow), o] + b[o],   W viewed as [O, C kh kw]
 * </pre>
 * With a few rows and both operands row-major along {@code C kh kw}, the product runs as dot products that
 * read the weights once (the GEMM's small-row path), where conv2d's kernel multiplies
 * {@code [O, C k] x [C k, N P]} and repacks all of W for a handful of columns. Written with tensor
 * operations only, so it differentiates, traces and batches like the kernel it stands in for.
 */
final class SmallPlaneConvolution {
    /** The largest batch x output-plane size lowered this way. */
    static final int MAX_POSITIONS = 8;

    private SmallPlaneConvolution() {
    }

    /** x {@code [N, C, H, W]}, weight {@code [O, C, kh, kw]}, bias {@code [O]} or null; one group. */
    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dOptions o) {
        int n = x.dim(0), c = x.dim(1), out = weight.dim(0), kh = weight.dim(2), kw = weight.dim(3);
        Tensor xp = o.padH() == 0 && o.padW() == 0 ? x
                : x.pad(new int[] {0, 0, 0, 0, o.padH(), o.padH(), o.padW(), o.padW()}, 0);
        int oh = (xp.dim(2) - o.dilationH() * (kh - 1) - 1) / o.strideH() + 1;
        int ow = (xp.dim(3) - o.dilationW() * (kw - 1) - 1) / o.strideW() + 1;
        List<Tensor> taps = new ArrayList<>(kh * kw);
        for (int i = 0; i < kh; i++) {
            int r = i * o.dilationH();
            Tensor rows = xp.slice(2, r, r + o.strideH() * (oh - 1) + 1, o.strideH());
            for (int j = 0; j < kw; j++) {
                int q = j * o.dilationW();
                taps.add(rows.slice(3, q, q + o.strideW() * (ow - 1) + 1, o.strideW()));
            }
        }
        // [N, C, kh kw, OH, OW] -> [N, OH, OW, C, kh kw]: rows (n, oh, ow), columns (c, i, j) as W's layout.
        Tensor cols = Tensor.stack(2, taps).permute(0, 3, 4, 1, 2).reshape(n * oh * ow, c * kh * kw);
        Tensor y = cols.matmul(weight.reshape(out, c * kh * kw).transpose());
        if (bias != null) {
            y = y.add(bias);
        }
        return y.reshape(n, oh, ow, out).permute(0, 3, 1, 2);
    }
}
