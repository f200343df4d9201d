package org.fluxion.jit.passes;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.ConvolutionPrimitives.Conv2dWeightGrad;
import org.fluxion.ops.Reduce;
import org.fluxion.ops.ReduceOp;

/**
 * A convolution's bias gradient computed with its weight gradient: a {@code sum} over axes 0, 2 and 3 of the dy a
 * {@code conv2dWeightGrad} reads (the gradient of a per-channel bias) and that weight gradient become one
 * {@link ConvWeightBiasGrad}, which sums dy's planes as it reads them instead of a pass of its own over dy. The
 * step stands at the earlier of the two places; at the sum's place only when x is known there.
 */
final class ConvBiasGrads {
    private ConvBiasGrads() {
    }

    static Graph rewrite(Graph g) {
        Map<Value, List<Equation>> readers = g.readers();
        Map<Value, Equation> producer = g.producers();
        Map<Equation, Integer> position = new IdentityHashMap<>();
        List<Equation> eqs = g.equations();
        for (int i = 0; i < eqs.size(); i++) {
            position.put(eqs.get(i), i);
        }
        Map<Equation, Equation> replacement = new IdentityHashMap<>();
        Map<Equation, Boolean> dropped = new IdentityHashMap<>();
        for (Equation sum : eqs) {
            if (!isChannelSum(sum)) {
                continue;
            }
            Value dy = sum.inputs()[0];
            Equation wg = null;
            for (Equation r : readers.getOrDefault(dy, List.of())) {
                if (r.primitive() instanceof Conv2dWeightGrad && r.inputs()[1] == dy && !dropped.containsKey(r)
                        && !replacement.containsKey(r)) {
                    wg = r;
                    break;
                }
            }
            if (wg == null) {
                continue;
            }
            Value x = wg.inputs()[0];
            Equation px = producer.get(x);
            boolean atWeightGrad = position.get(wg) < position.get(sum);
            if (!atWeightGrad && px != null && position.get(px) > position.get(sum)) {
                continue; // x is computed after the sum: the step cannot stand there, nor at the later weight gradient
            }
            Conv2dWeightGrad w = (Conv2dWeightGrad) wg.primitive();
            Equation fused = new Equation(new ConvWeightBiasGrad(w.options(), w.weightShape(), sum.output().type()),
                    new Value[] {x, dy}, new Value[] {wg.output(), sum.output()});
            replacement.put(atWeightGrad ? wg : sum, fused);
            dropped.put(atWeightGrad ? sum : wg, true);
        }
        return Passes.rewritten(g, replacement, dropped);
    }

    /** A float sum over axes 0, 2 and 3 of a rank-4 value: the gradient of a bias added along the channel axis. */
    private static boolean isChannelSum(Equation e) {
        if (!(e.primitive() instanceof Reduce r) || r.op() != ReduceOp.SUM || e.inputs()[0].type().shape().rank() != 4
                || !e.inputs()[0].type().dtype().isFloatingPoint()
                || e.output().type().dtype() != e.inputs()[0].type().dtype()) {
            return false;
        }
        int[] axes = r.axes();
        for (int k = 0; k < axes.length; k++) {
            axes[k] = axes[k] < 0 ? axes[k] + 4 : axes[k];
        }
        Arrays.sort(axes);
        return Arrays.equals(axes, new int[] {0, 2, 3});
    }
}
