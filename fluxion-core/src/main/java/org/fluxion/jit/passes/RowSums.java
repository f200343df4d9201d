package org.fluxion.jit.passes;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.Reduce;
import org.fluxion.ops.ReduceOp;
import org.fluxion.tensor.Shape;

/**
 * Reductions over leading axes fused into the kernel that computes their input: a {@code sum} over axes
 * {@code 0 .. k-1} (not all) of a value a {@link Fused} kernel computes (a bias gradient, the batch sum of the
 * cotangent the kernel writes) is dropped, and the kernel becomes a {@link FusedRowSums} returning the value and
 * its sum, folded tile by tile while the values are in cache instead of read back by a step of their own. The new
 * step stands where the kernel stood; the value keeps its other readers. Runs after {@link Fusion}, which fuses
 * sums over trailing axes as the reductions of their groups.
 */
final class RowSums {
    private RowSums() {
    }

    static Graph rewrite(Graph g) {
        Map<Value, Equation> producer = g.producers();
        Map<Equation, Equation> replacement = new IdentityHashMap<>();
        Map<Equation, Boolean> dropped = new IdentityHashMap<>();
        for (Equation e : g.equations()) {
            if (!(e.primitive() instanceof Reduce r) || r.op() != ReduceOp.SUM) {
                continue;
            }
            Value x = e.inputs()[0];
            Equation f = producer.get(x);
            int width = rowWidth(r, x.type().shape());
            if (width <= 0 || f == null || !(f.primitive() instanceof Fused fused) || replacement.containsKey(f)
                    || !fused.sumsRows(width) || e.output().type().dtype() != x.type().dtype()) {
                continue;
            }
            replacement.put(f, new Equation(new FusedRowSums(fused, e.output().type(), width), f.inputs(),
                    new Value[] {f.output(), e.output()}));
            dropped.put(e, true);
        }
        return Passes.rewritten(g, replacement, dropped);
    }

    /**
     * The size of the axes a sum over {@code 0 .. k-1} leaves ({@code 0 < k < rank}), or -1 when the sum's axes are
     * not such a leading run of {@code s}.
     */
    private static int rowWidth(Reduce r, Shape s) {
        int rank = s.rank();
        int[] axes = r.axes();
        for (int k = 0; k < axes.length; k++) {
            axes[k] = axes[k] < 0 ? axes[k] + rank : axes[k];
        }
        Arrays.sort(axes);
        if (axes.length == 0 || axes.length >= rank) {
            return -1;
        }
        for (int k = 0; k < axes.length; k++) {
            if (axes[k] != k) {
                return -1;
            }
        }
        int width = 1;
        for (int k = axes.length; k < rank; k++) {
            width *= s.dim(k);
        }
        return width;
    }
}
