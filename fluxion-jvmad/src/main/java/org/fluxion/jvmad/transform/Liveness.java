package org.fluxion.jvmad.transform;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Insn;
import org.fluxion.jvmad.ir.Operand;
import org.fluxion.jvmad.ir.Var;

/**
 * The variables live on entry to each block of a function (backward data flow to a fixed point:
 * {@code in(b) = uses(b) + (out(b) - defs(b))}, {@code out(b) = union of in(successors)}).
 */
final class Liveness {
    private final Map<Block, Set<Var>> liveIn = new HashMap<>();

    Liveness(Function f) {
        List<Block> blocks = f.blocks();
        for (Block b : blocks) {
            liveIn.put(b, new HashSet<>());
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int k = blocks.size() - 1; k >= 0; k--) {
                Block b = blocks.get(k);
                Set<Var> live = new HashSet<>();
                for (Block s : b.terminator().successors()) {
                    live.addAll(liveIn.get(s));
                }
                addUses(b.terminator().operands(), live);
                List<Insn> insns = b.insns();
                for (int i = insns.size() - 1; i >= 0; i--) {
                    Insn insn = insns.get(i);
                    if (insn.dst() != null) {
                        live.remove(insn.dst());
                    }
                    addUses(insn.operands(), live);
                }
                if (!live.equals(liveIn.get(b))) {
                    liveIn.put(b, live);
                    changed = true;
                }
            }
        }
    }

    private static void addUses(List<Operand> operands, Set<Var> live) {
        for (Operand o : operands) {
            if (o instanceof Var v) {
                live.add(v);
            }
        }
    }

    /** The variables live on entry to {@code b}. */
    Set<Var> in(Block b) {
        return liveIn.get(b);
    }
}
