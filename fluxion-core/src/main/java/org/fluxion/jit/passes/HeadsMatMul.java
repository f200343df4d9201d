package org.fluxion.jit.passes;

import org.fluxion.ops.MatMul;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * {@code permute(a @ b, [0, 2, 1, 3])} of a {@code [B, H, n, k]} and b {@code [B, H, k, m]} as one step writing
 * {@code [B, n, H, m]} dense ({@link MatMul#intoInterleaved}): attention's per-head outputs land where the
 * concatenation of the heads wants them, so the reshape to {@code [B, n, H*m]} that follows is a view instead of a
 * copy of the whole output (a transformer encoder at batch 32: four 2 MB copies a call). Only in compiled plans,
 * after differentiation ({@link TransposedProducts} creates it); no derivative rules.
 */
record HeadsMatMul(TensorType type) implements PlanStep {
    @Override
    public String name() {
        return "matmul_heads";
    }

    @Override
    public String rewrittenFrom() {
        return "matmul and permute";
    }

    @Override
    public Tensor computeInto(Storage buffer, Tensor[] in) {
        Tensor y = Tensor.wrap(buffer, type.shape());
        MatMul.intoInterleaved(in[0], in[1], y);
        return y;
    }
}
