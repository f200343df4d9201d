package org.fluxion.jit.passes;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.jit.codegen.ElementwiseProgram;
import org.fluxion.jit.codegen.ElementwiseProgram.Access;
import org.fluxion.jit.codegen.ElementwiseProgram.Instr;
import org.fluxion.jit.codegen.ElementwiseProgram.Kind;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.Primitive;
import org.fluxion.ops.ScaledAddEpilogue;

/**
 * Multi-output fusion of an optimizer's update and its application: a fused kernel computing exactly
 * {@code p + u · c} (c a constant), where u is an output of a {@link ScaledAddEpilogue} primitive read by that
 * kernel alone, is dropped, and the primitive writes {@code p + u · c} in u's place ({@code adam_update} then reads
 * the gradient and moments and writes the parameter and moments in one pass). The new step stands where the
 * primitive stood, so p must be known there: a graph input, a constant, or computed before.
 */
final class ScaledAdds {
    private ScaledAdds() {
    }

    static Graph rewrite(Graph g) {
        Map<Value, Integer> uses = g.uses();
        Map<Value, Equation> producer = g.producers();
        Map<Equation, Integer> position = g.positions();
        Map<Equation, Equation> replacement = new IdentityHashMap<>();
        Map<Equation, Boolean> dropped = new IdentityHashMap<>();
        for (Equation f : g.equations()) {
            if (!(f.primitive() instanceof Fused fused) || f.inputs().length != 2) {
                continue;
            }
            int[] roles = scaledAdd(fused.program);
            if (roles == null) {
                continue;
            }
            Value u = f.inputs()[roles[0]];
            Value p = f.inputs()[roles[1]];
            Equation m = producer.get(u);
            if (m == null || !(m.primitive() instanceof ScaledAddEpilogue s) || replacement.containsKey(m)
                    || uses.get(u) != 1 || !u.type().equals(f.output().type()) || !p.type().equals(u.type())) {
                continue;
            }
            Equation pp = producer.get(p);
            if (pp != null && position.get(pp) >= position.get(m)) {
                continue;
            }
            int k = Arrays.asList(m.outputs()).indexOf(u);
            Primitive applied = s.withScaledAdd(k, fused.program.instructions().get(roles[2]).constant());
            if (applied == null) {
                continue;
            }
            Value[] in = Arrays.copyOf(m.inputs(), m.inputs().length + 1);
            in[in.length - 1] = p;
            Value[] out = m.outputs().clone();
            out[k] = f.output();
            replacement.put(m, new Equation(applied, in, out));
            dropped.put(f, true);
        }
        return Passes.rewritten(g, replacement, dropped);
    }

    /**
     * For a program that is exactly {@code add(p, mul(u, c))} over two FULL inputs and a constant (either operand
     * order in each), without reduction: the input numbers of u and p and the constant's instruction; else null.
     */
    private static int[] scaledAdd(ElementwiseProgram prog) {
        List<Instr> ins = prog.instructions();
        if (prog.reduction() != ElementwiseProgram.Reduction.NONE || prog.inputCount() != 2 || ins.size() != 5
                || prog.inputAccess(0) != Access.FULL || prog.inputAccess(1) != Access.FULL) {
            return null;
        }
        Instr add = ins.get(prog.result());
        if (add.kind() != Kind.BINARY || add.op() != BinaryOp.ADD) {
            return null;
        }
        for (int side = 0; side < 2; side++) {
            Instr mul = ins.get(add.arg(1 - side));
            Instr p = ins.get(add.arg(side));
            if (mul.kind() != Kind.BINARY || mul.op() != BinaryOp.MUL || p.kind() != Kind.INPUT) {
                continue;
            }
            for (int m = 0; m < 2; m++) {
                Instr u = ins.get(mul.arg(m));
                Instr c = ins.get(mul.arg(1 - m));
                if (u.kind() == Kind.INPUT && c.kind() == Kind.CONST && u.inputIndex() != p.inputIndex()) {
                    return new int[] {u.inputIndex(), p.inputIndex(), mul.arg(1 - m)};
                }
            }
        }
        return null;
    }
}
