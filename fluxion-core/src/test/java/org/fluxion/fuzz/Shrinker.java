package org.fluxion.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shrinks a failing program: removes operations (a sink, or an operation whose readers can read one of its
 * operands of the same shape instead), then unused arguments, then non-contiguous layouts and repeated
 * arguments, keeping each step only while the program stays smooth at its examples and the same two
 * evaluations still disagree. Greedy, to a fixed point.
 */
final class Shrinker {
    private Shrinker() {
    }

    /** The smallest program found that fails as {@code failure} does, and its mismatch. */
    record Result(Program program, Differential.Mismatch mismatch) {
    }

    static Result shrink(Program p, Differential.Mismatch failure) {
        Result best = new Result(p, failure);
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Program candidate : candidates(best.program)) {
                Differential.Mismatch m = stillFails(candidate, failure);
                if (m != null) {
                    best = new Result(candidate, m);
                    progress = true;
                    break;
                }
            }
        }
        return best;
    }

    private static Differential.Mismatch stillFails(Program candidate, Differential.Mismatch failure) {
        if (candidate.inputs.stream().allMatch(in -> in.batchAxis() < 0)) {
            return null;  // vmap needs a batched argument
        }
        try {
            if (!candidate.smoothAtExamples()) {
                return null;
            }
        } catch (RuntimeException notAProgram) {
            return null;
        }
        Differential.Mismatch m = Differential.check(candidate);
        return m != null && m.pair().equals(failure.pair()) ? m : null;
    }

    private static List<Program> candidates(Program p) {
        List<Program> c = new ArrayList<>();
        int n = p.inputs.size();
        List<Integer> sinks = p.sinks();
        for (int i = p.nodes.size() - 1; i >= 0; i--) {
            Program.Node node = p.nodes.get(i);
            if (p.nodes.size() > 1 && sinks.contains(n + i) && !readByLater(p, n + i)) {
                c.add(p.without(i).withoutUnusedInputs());
            }
            for (int a : node.args()) {
                int[] dims = a < n ? p.inputs.get(a).dims() : p.nodes.get(a - n).dims();
                if (Arrays.equals(dims, node.dims()) && p.nodes.size() > 1) {
                    c.add(p.bypass(i, a).withoutUnusedInputs());
                }
            }
        }
        for (int i = 0; i < n; i++) {
            Program.Input in = p.inputs.get(i);
            if (in.nonContiguous() || in.aliasOf() >= 0) {
                List<Program.Input> inputs = new ArrayList<>(p.inputs);
                inputs.set(i, new Program.Input(in.dims(), -1, false, in.batchAxis(), in.examples()));
                c.add(new Program(p.seed, inputs, p.nodes));
            }
        }
        return c;
    }

    private static boolean readByLater(Program p, int value) {
        for (Program.Node node : p.nodes) {
            for (int a : node.args()) {
                if (a == value) {
                    return true;
                }
            }
        }
        return false;
    }
}
