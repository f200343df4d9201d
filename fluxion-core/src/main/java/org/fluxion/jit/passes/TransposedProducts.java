package org.fluxion.jit.passes;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.MatMul;
import org.fluxion.ops.ViewPrimitives.Permute;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.TensorType;

/**
 * {@code (a @ b)^T} computed as {@code b^T @ a^T}: the product comes out in the layout its readers want, dense,
 * instead of as a transposed view that every later kernel reads across its rows. This is the weight gradient
 * of a layer storing its weight {@code [out, in]} ({@code y = x W^T}): the VJP of the product gives
 * {@code x^T g} as {@code [in, out]} and its transpose is {@code W}'s gradient, which the optimizer's kernels
 * then read three times. The transposes of the operands are views, which the GEMM reads as they are.
 *
 * <p>Likewise {@code permute(a @ b, [0, 2, 1, 3])} of a stack of heads {@code [B, H, n, m]}, attention's output
 * about to be concatenated over its heads, becomes one {@link HeadsMatMul} writing {@code [B, n, H, m]} dense.
 */
final class TransposedProducts {
    private TransposedProducts() {
    }

    /** Rewrites {@code permute[1, 0](matmul(a, b))} of rank-2 operands when the product has no other reader. */
    static Graph rewrite(Graph g) {
        Map<Value, Integer> uses = g.uses();
        Map<Value, Equation> producer = g.producers();
        Map<Equation, List<Equation>> replacement = new IdentityHashMap<>();
        Map<Equation, Boolean> dropped = new IdentityHashMap<>();
        int nextId = Passes.maxId(g) + 1;
        for (Equation e : g.equations()) {
            if (e.primitive() instanceof Permute p && headsInterleaved(p.order())) {
                Equation mm = producer.get(e.inputs()[0]);
                if (mm != null && mm.primitive() instanceof MatMul && uses.get(mm.output()) == 1
                        && sameStack(mm.inputs()[0].type(), mm.inputs()[1].type())) {
                    dropped.put(mm, true);
                    replacement.put(e, List.of(new Equation(new HeadsMatMul(e.output().type()), mm.inputs(),
                            e.output())));
                }
                continue;
            }
            if (!(e.primitive() instanceof Permute p) || p.order().length != 2 || p.order()[0] != 1) {
                continue;
            }
            Equation mm = producer.get(e.inputs()[0]);
            if (mm == null || !(mm.primitive() instanceof MatMul) || uses.get(mm.output()) != 1
                    || mm.inputs()[0].type().shape().rank() != 2 || mm.inputs()[1].type().shape().rank() != 2) {
                continue;
            }
            Value a = mm.inputs()[0];
            Value b = mm.inputs()[1];
            Value bt = new Value(nextId++, transposed(b.type()), null, null);
            Value at = new Value(nextId++, transposed(a.type()), null, null);
            dropped.put(mm, true);
            replacement.put(e, List.of(new Equation(new Permute(new int[] {1, 0}), new Value[] {b}, bt),
                    new Equation(new Permute(new int[] {1, 0}), new Value[] {a}, at),
                    new Equation(mm.primitive(), new Value[] {bt, at}, e.output())));
        }
        if (replacement.isEmpty()) {
            return g;
        }
        List<Equation> out = new ArrayList<>();
        for (Equation e : g.equations()) {
            if (!dropped.containsKey(e)) {
                out.addAll(replacement.getOrDefault(e, List.of(e)));
            }
        }
        return new Graph(g.inputs(), out, g.outputs());
    }

    /** True for the order [0, 2, 1, 3]: the heads axis moved behind the rows. */
    private static boolean headsInterleaved(int[] order) {
        return order.length == 4 && order[0] == 0 && order[1] == 2 && order[2] == 1 && order[3] == 3;
    }

    /** True for a [B, H, n, k] and b [B, H, k, m] of one float dtype: a stack of products without broadcasting. */
    private static boolean sameStack(TensorType a, TensorType b) {
        Shape as = a.shape(), bs = b.shape();
        return as.rank() == 4 && bs.rank() == 4 && as.dim(0) == bs.dim(0) && as.dim(1) == bs.dim(1)
                && a.dtype() == b.dtype() && a.dtype().isFloatingPoint() && !a.dtype().isStorageOnly();
    }

    private static TensorType transposed(TensorType t) {
        return new TensorType(Shape.of(t.shape().dim(1), t.shape().dim(0)), t.dtype());
    }
}
