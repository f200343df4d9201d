package org.fluxion.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.tensor.ConcretizationException;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Control;

/**
 * If, Loop and Scan. If is {@link Control#cond}: a concrete condition picks the branch, a traced one (under
 * jit) traces both branches into one structured operation, their reads of enclosing values becoming
 * captures. Loop runs in Java while its trip count and condition are concrete (under jit the iterations are
 * traced one after another); Scan, whose length is a shape, always unrolls.
 */
final class ControlFlowOperators {
    private ControlFlowOperators() {
    }

    static void register(Map<String, Lowering> t) {
        t.put("If", (ScopedLowering) ControlFlowOperators::ifThenElse);
        t.put("Loop", (ScopedLowering) ControlFlowOperators::loop);
        t.put("Scan", (ScopedLowering) ControlFlowOperators::scan);
    }

    private static Tensor[] ifThenElse(Node n, Tensor[] in, Map<String, Tensor> scope) {
        Graph yes = n.graph("then_branch");
        Graph no = n.graph("else_branch");
        List<Tensor> out = Control.cond(in[0].reshape(), ops -> outputs(yes.run(scope)), ops -> outputs(no.run(scope)),
                List.<Tensor>of());
        return out.toArray(Tensor[]::new);
    }

    private static List<Tensor> outputs(Map<String, Tensor> m) {
        return new ArrayList<>(m.values());
    }

    /** Runs {@code body} with its inputs bound, in order, to {@code args}, over the enclosing scope. */
    private static List<Tensor> call(Graph body, Map<String, Tensor> scope, List<Tensor> args) {
        Map<String, Tensor> s = new HashMap<>(scope);
        List<String> names = body.inputs();
        for (int i = 0; i < names.size() && i < args.size(); i++) {
            s.put(names.get(i), args.get(i));
        }
        return outputs(body.run(s));
    }

    private static boolean truth(Node n, Tensor t, String what) {
        try {
            return t.to(DType.BOOL).toBooleanArray()[0];
        } catch (ConcretizationException e) {
            throw n.error(what + " depends on traced values: a data-dependent Loop runs only eagerly");
        }
    }

    /**
     * Loop(M, cond, v...): {@code for (i = 0; i < M && cond; i++) (cond, v..., scan...) = body(i, cond, v...)};
     * outputs the final v... and each scan output stacked along a new axis 0.
     */
    private static Tensor[] loop(Node n, Tensor[] in, Map<String, Tensor> scope) {
        Graph body = n.graph("body");
        long trips = in.length > 0 && in[0] != null ? Values.longs(n, in[0], "M")[0] : Long.MAX_VALUE;
        Tensor cond = in.length > 1 && in[1] != null ? in[1] : Tensor.scalar(1, DType.BOOL);
        List<Tensor> carried = new ArrayList<>();
        for (int i = 2; i < in.length; i++) carried.add(in[i]);
        int nCarried = carried.size();
        List<List<Tensor>> scans = new ArrayList<>();
        for (long i = 0; i < trips && truth(n, cond, "the loop condition"); i++) {
            List<Tensor> args = new ArrayList<>();
            args.add(Tensor.scalar(i, DType.INT64));
            args.add(cond);
            args.addAll(carried);
            List<Tensor> out = call(body, scope, args);
            cond = out.get(0);
            carried = new ArrayList<>(out.subList(1, 1 + nCarried));
            List<Tensor> scanOut = out.subList(1 + nCarried, out.size());
            for (int k = 0; k < scanOut.size(); k++) {
                if (scans.size() <= k) scans.add(new ArrayList<>());
                scans.get(k).add(scanOut.get(k));
            }
        }
        List<Tensor> result = new ArrayList<>(carried);
        for (List<Tensor> s : scans) result.add(Tensor.stack(0, s));
        int wanted = n.outputCount();
        if (scans.isEmpty() && result.size() < wanted) {
            // A loop that ran zero times still owes its scan outputs: empty, of unknown element shape.
            throw n.error("the loop ran no iteration, so the shapes of its scan outputs are unknown");
        }
        return result.toArray(Tensor[]::new);
    }

    /**
     * Scan (opset 9 on): states s... and scan inputs x... sliced along their scan axes (reversed where the
     * direction is 1); {@code (s..., y...) = body(s..., x_t...)} per step; outputs the final states and each y
     * stacked along its scan output axis.
     */
    private static Tensor[] scan(Node n, Tensor[] in, Map<String, Tensor> scope) {
        if (n.opset() < 9) {
            throw new UnsupportedModelException(n.describe(), List.of("Scan before opset 9 (batched form)"));
        }
        Graph body = n.graph("body");
        int m = n.int32("num_scan_inputs", 0);
        int states = in.length - m;
        int[] inAxes = n.ints("scan_input_axes", new int[m]);
        int[] inDirs = n.ints("scan_input_directions", new int[m]);
        List<Tensor> carry = new ArrayList<>();
        for (int i = 0; i < states; i++) carry.add(in[i]);
        List<Tensor> xs = new ArrayList<>();
        int length = -1;
        for (int j = 0; j < m; j++) {
            Tensor x = in[states + j];
            x = moveAxis(x, Values.axis(n, inAxes[j], x.rank()), 0);
            if (inDirs[j] != 0) x = Values.flip(x, 0);
            xs.add(x);
            length = x.dim(0);
        }
        List<List<Tensor>> ys = new ArrayList<>();
        for (int t = 0; t < length; t++) {
            List<Tensor> args = new ArrayList<>(carry);
            for (Tensor x : xs) args.add(x.select(0, t));
            List<Tensor> out = call(body, scope, args);
            carry = new ArrayList<>(out.subList(0, states));
            for (int k = states; k < out.size(); k++) {
                if (ys.size() <= k - states) ys.add(new ArrayList<>());
                ys.get(k - states).add(out.get(k));
            }
        }
        int[] outAxes = n.ints("scan_output_axes", new int[ys.size()]);
        int[] outDirs = n.ints("scan_output_directions", new int[ys.size()]);
        List<Tensor> result = new ArrayList<>(carry);
        for (int k = 0; k < ys.size(); k++) {
            List<Tensor> steps = ys.get(k);
            if (outDirs[k] != 0) steps = steps.reversed();
            Tensor stacked = Tensor.stack(0, steps);
            result.add(moveAxis(stacked, 0, Values.axis(n, outAxes[k], stacked.rank())));
        }
        return result.toArray(Tensor[]::new);
    }

    /** {@code x} with axis {@code from} moved to position {@code to}, the other axes in order. */
    private static Tensor moveAxis(Tensor x, int from, int to) {
        if (from == to) {
            return x;
        }
        List<Integer> order = new ArrayList<>();
        for (int a = 0; a < x.rank(); a++) if (a != from) order.add(a);
        order.add(to, from);
        return x.permute(order.stream().mapToInt(Integer::intValue).toArray());
    }
}
